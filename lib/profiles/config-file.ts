/**
 * `baton.config.json` can seed agent profiles (DESIGN "Agents"): on start, profiles it names
 * are inserted when missing, like the built-in defaults; rows already in the database —
 * a user's edits — are never overwritten. The file is found at $BATON_CONFIG, else
 * ./baton.config.json. A malformed file fails start-up with the field and reason, since a
 * silently ignored profile is worse than a clear error.
 *
 *   { "profiles": [ { "id": "qwen-local", "backend": "openai", "label": "…",
 *                     "config": { "baseURL": "http://127.0.0.1:8080/v1", "model": "qwen" } } ] }
 */
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { AGENT_BACKENDS } from "../db/schema";
import { validateProfileConfig } from "./config";
import { DEFAULT_PROFILES } from "./defaults";
import type { NewProfile } from "./repository";
import { PROFILE_ID } from "./service";

const fileSchema = z.strictObject({
  profiles: z
    .array(
      z.strictObject({
        id: z.string().regex(PROFILE_ID, "must be lowercase letters, digits, - or _"),
        backend: z.enum(AGENT_BACKENDS),
        label: z.string().default(""),
        config: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .default([]),
});

export function configFilePath(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): string {
  return env.BATON_CONFIG ? path.resolve(cwd, env.BATON_CONFIG) : path.join(cwd, "baton.config.json");
}

/** Pure: the profiles a config file's JSON declares, validated; throws naming file, field and reason. */
export function profilesFromConfigOrThrow(json: unknown, file: string): NewProfile[] {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const seen = new Set<string>();
  return parsed.data.profiles.map((profile, index) => {
    if (seen.has(profile.id)) throw new Error(`${file}: profiles.${index}.id: "${profile.id}" is declared twice`);
    seen.add(profile.id);
    const issues = validateProfileConfig(profile.backend, profile.config);
    if (issues.length) {
      throw new Error(`${file}: profiles.${index}.config${issues[0].path ? `.${issues[0].path}` : ""}: ${issues[0].message}`);
    }
    return profile;
  });
}

/**
 * The profiles to seed: the built-in defaults, with any the config file declares (a file
 * entry replaces a default of the same id in the seed list). No file → the defaults.
 */
export async function seedProfilesOrThrow(file = configFilePath()): Promise<NewProfile[]> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return DEFAULT_PROFILES;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const fromFile = profilesFromConfigOrThrow(json, file);
  const ids = new Set(fromFile.map((p) => p.id));
  return [...DEFAULT_PROFILES.filter((p) => !ids.has(p.id)), ...fromFile];
}
