/**
 * Profile configs, one zod schema per backend, checked whenever a profile is written.
 * Secrets are stored only as env-var references: `apiKey` must be "$VAR", and an `env`
 * entry whose name says it holds a secret (…KEY, …TOKEN, …SECRET, …PASSWORD) must be too.
 * Write schemas are strict, so a misspelt setting is an error instead of silently ignored.
 */
import { z } from "zod";
import { WORKTREE_POLICIES } from "../git/worktree-policy";
import { acpConfigSchema } from "../agents/acp/config";
import { commandConfigSchema } from "../agents/command/config";
import { demoOptionsSchema } from "../agents/demo/config";
import { openaiConfigSchema } from "../agents/openai/config";
import { AGENT_BACKENDS } from "../db/schema";
import { envReferenceName } from "./env";

export type BackendId = (typeof AGENT_BACKENDS)[number];

const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)S?$/i;
/** Shapes of real keys ("sk-…", "ghp_…", "AIza…", long hex/base64 runs). */
const KEY_LOOKING = /^(sk-|sk_|ghp_|gho_|github_pat_|xox[abp]-|AIza|hf_)|^[A-Za-z0-9+/_=-]{32,}$/;

export function looksLikeLiteralSecret(value: string): boolean {
  return envReferenceName(value) === null && KEY_LOOKING.test(value.trim());
}

function refuseLiteralSecretsInEnv(env: Record<string, string> | undefined, ctx: z.RefinementCtx): void {
  for (const [name, value] of Object.entries(env ?? {})) {
    if (envReferenceName(value) !== null) continue;
    if (SECRET_NAME.test(name) || looksLikeLiteralSecret(value)) {
      ctx.addIssue({
        code: "custom",
        path: ["env", name],
        message: `looks like a secret: store a reference like "$${name}" and set ${name} in Baton's environment`,
      });
    }
  }
}

const openaiWrite = openaiConfigSchema.strict().extend({
  apiKey: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined || envReferenceName(value) !== null) return;
      ctx.addIssue({
        code: "custom",
        message: looksLikeLiteralSecret(value)
          ? 'looks like a literal API key; secrets are never stored — use a reference like "$OPENAI_API_KEY" and set that variable in Baton\'s environment'
          : 'must be an environment variable reference like "$OPENAI_API_KEY"',
      });
    }),
});

/**
 * Settings of every profile whatever its backend: `worktreePolicy`, what a pooled worktree
 * keeps between this profile's steps (lib/git/worktree-policy.ts) unless the run says.
 */
const commonSettings = { worktreePolicy: z.enum(WORKTREE_POLICIES).optional() };

export const profileConfigSchemas = {
  acp: acpConfigSchema.extend(commonSettings).strict().superRefine((c, ctx) => refuseLiteralSecretsInEnv(c.env, ctx)),
  command: commandConfigSchema.extend(commonSettings).strict().superRefine((c, ctx) => refuseLiteralSecretsInEnv(c.env, ctx)),
  openai: openaiWrite.extend(commonSettings),
  // The demo backend's knobs (scripted failures, delays) are defined by its own module.
  demo: demoOptionsSchema.extend(commonSettings).strict(),
} satisfies Record<BackendId, z.ZodType>;

export interface ConfigIssue {
  path: string;
  message: string;
}

/** Validates a config for a backend; issues carry paths relative to `config`. */
export function validateProfileConfig(backend: BackendId, config: unknown): ConfigIssue[] {
  const result = profileConfigSchemas[backend].safeParse(config);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

/**
 * The config as the API shows it. Only references are ever stored, but a row written before
 * validation existed could hold a literal: it is masked, never echoed.
 */
export function publicConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  if (typeof out.apiKey === "string" && envReferenceName(out.apiKey) === null) out.apiKey = "[redacted]";
  if (out.env && typeof out.env === "object" && !Array.isArray(out.env)) {
    out.env = Object.fromEntries(
      Object.entries(out.env as Record<string, unknown>).map(([k, v]) => [
        k,
        typeof v === "string" && envReferenceName(v) === null && (SECRET_NAME.test(k) || looksLikeLiteralSecret(v)) ? "[redacted]" : v,
      ]),
    );
  }
  return out;
}
