/**
 * Profile operations behind the API: validation (4xx naming the field), the rules about
 * what may change, and the public shape (config with secrets only as references).
 */
import { z } from "zod";
import type { Executor } from "../db/client";
import { AGENT_BACKENDS, type AgentProfileRow } from "../db/schema";
import { HttpError, notFound, type Issue } from "../http/errors";
import { cachedAvailability, forgetAvailability, type ProfileAvailability } from "./availability";
import { publicConfig, validateProfileConfig, type BackendId } from "./config";
import { keyReferences } from "./env";
import { deleteProfile, findProfile, insertProfile, listProfiles, updateProfile } from "./repository";

/** The profile every fresh install runs the example flow with. */
export const BUILT_IN_PROFILE = "demo";

export const PROFILE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const configObject = z.record(z.string(), z.unknown());

export const createProfileSchema = z.strictObject({
  id: z.string().regex(PROFILE_ID, "must be 1–63 lowercase letters, digits, - or _, starting with a letter or digit"),
  backend: z.enum(AGENT_BACKENDS),
  label: z.string().trim().max(200).default(""),
  enabled: z.boolean().default(true),
  config: configObject.default({}),
});
export type CreateProfileBody = z.input<typeof createProfileSchema>;

export const updateProfileSchema = z.strictObject({
  backend: z.enum(AGENT_BACKENDS).optional(),
  label: z.string().trim().max(200).optional(),
  enabled: z.boolean().optional(),
  config: configObject.optional(),
});

export interface PublicProfile {
  id: string;
  backend: string;
  label: string;
  enabled: boolean;
  config: Record<string, unknown>;
  builtIn: boolean;
  /** The last check if still fresh; null = not checked yet (ask /availability). */
  availability: ProfileAvailability | null;
  /** Each `$VAR` the config refers to and whether Baton's environment sets it (never its value). */
  keys: Array<{ name: string; set: boolean }>;
  updatedAt: string;
}

export function toPublicProfile(row: AgentProfileRow, availability: ProfileAvailability | null = cachedAvailability(row)): PublicProfile {
  return {
    id: row.id,
    backend: row.backend,
    label: row.label,
    enabled: row.enabled,
    config: publicConfig((row.config ?? {}) as Record<string, unknown>),
    builtIn: row.id === BUILT_IN_PROFILE,
    availability,
    keys: keyReferences((row.config ?? {}) as Record<string, unknown>).map((name) => ({ name, set: Boolean(process.env[name]) })),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function configIssuesOrThrow(backend: BackendId, config: unknown): void {
  const issues: Issue[] = validateProfileConfig(backend, config).map((i) => ({
    path: i.path ? `config.${i.path}` : "config",
    message: i.message,
  }));
  if (issues.length) {
    throw new HttpError("validation_failed", `invalid ${backend} config: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues);
  }
}

export async function listPublicProfiles(db: Executor): Promise<PublicProfile[]> {
  return (await listProfiles(db)).map((row) => toPublicProfile(row));
}

export async function getProfileOrThrow(db: Executor, id: string): Promise<AgentProfileRow> {
  const row = await findProfile(db, id);
  if (!row) throw notFound(`profile ${id}`);
  return row;
}

export async function createProfileOrThrow(db: Executor, body: z.output<typeof createProfileSchema>): Promise<PublicProfile> {
  configIssuesOrThrow(body.backend, body.config);
  const row = await insertProfile(db, body);
  if (!row) throw new HttpError("conflict", `profile ${body.id} already exists`, [{ path: "id", message: "is taken" }]);
  return toPublicProfile(row, null);
}

export async function updateProfileOrThrow(db: Executor, id: string, patch: z.output<typeof updateProfileSchema>): Promise<PublicProfile> {
  const current = await getProfileOrThrow(db, id);
  if (id === BUILT_IN_PROFILE && patch.backend && patch.backend !== current.backend) {
    throw new HttpError("conflict", "the built-in demo profile can't change backend", [{ path: "backend", message: "is fixed for demo" }]);
  }
  const backend = (patch.backend ?? current.backend) as BackendId;
  if (patch.backend && patch.backend !== current.backend && !patch.config) {
    throw new HttpError("validation_failed", "changing the backend needs a config for the new backend", [
      { path: "config", message: `is required when switching to ${patch.backend}` },
    ]);
  }
  const config = patch.config ?? (current.config as Record<string, unknown>);
  configIssuesOrThrow(backend, config);
  const row = await updateProfile(db, id, { ...patch, backend, config });
  if (!row) throw notFound(`profile ${id}`);
  forgetAvailability(id);
  return toPublicProfile(row, null);
}

export async function deleteProfileOrThrow(db: Executor, id: string): Promise<void> {
  if (id === BUILT_IN_PROFILE) {
    throw new HttpError("conflict", "the built-in demo profile can't be deleted (the example flow uses it); disable it instead");
  }
  if (!(await deleteProfile(db, id))) throw notFound(`profile ${id}`);
  forgetAvailability(id);
}
