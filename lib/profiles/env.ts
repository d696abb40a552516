/**
 * Secrets live in the environment of the Baton process, never in the database: a profile
 * stores `"$OPENAI_API_KEY"` and the value is looked up when a task starts. Pure functions.
 */

const REFERENCE = /^\$([A-Za-z_][A-Za-z0-9_]*)$|^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** `"$NAME"` or `"${NAME}"` → `"NAME"`; anything else → null. */
export function envReferenceName(value: string): string | null {
  const match = REFERENCE.exec(value.trim());
  return match ? (match[1] ?? match[2]) : null;
}

/** A `$REF` resolved from `processEnv`; a literal is returned as is; a missing ref → undefined. */
export function resolveValue(value: string, processEnv: Record<string, string | undefined>): string | undefined {
  const name = envReferenceName(value);
  return name === null ? value : processEnv[name];
}

/**
 * The env vars a profile passes to its agent: `config.env` with every `$REF` resolved.
 * A reference to an unset variable is left out (the agent sees it unset, as it would
 * without Baton) and reported in `missing`.
 */
export function resolveProfileEnvDetailed(
  config: Record<string, unknown>,
  processEnv: Record<string, string | undefined>,
): { env: Record<string, string>; missing: string[] } {
  const env: Record<string, string> = {};
  const missing: string[] = [];
  const declared = config.env;
  if (declared && typeof declared === "object" && !Array.isArray(declared)) {
    for (const [key, raw] of Object.entries(declared)) {
      if (typeof raw !== "string") continue;
      const value = resolveValue(raw, processEnv);
      if (value === undefined) missing.push(envReferenceName(raw) ?? key);
      else env[key] = value;
    }
  }
  return { env, missing };
}

export function resolveProfileEnv(
  config: Record<string, unknown>,
  processEnv: Record<string, string | undefined>,
): Record<string, string> {
  return resolveProfileEnvDetailed(config, processEnv).env;
}

/**
 * The secret values a profile can expose: every value that came from a `$REF` (config.env
 * and apiKey). Literal env values are configuration, not secrets.
 */
export function profileSecretValues(config: Record<string, unknown>, processEnv: Record<string, string | undefined>): string[] {
  const refs: string[] = [];
  if (typeof config.apiKey === "string") refs.push(config.apiKey);
  if (config.env && typeof config.env === "object" && !Array.isArray(config.env)) {
    for (const raw of Object.values(config.env)) if (typeof raw === "string") refs.push(raw);
  }
  const values = new Set<string>();
  for (const ref of refs) {
    const name = envReferenceName(ref);
    const value = name === null ? undefined : processEnv[name];
    if (value) values.add(value);
  }
  return [...values];
}

/**
 * Replaces every secret value in `text` with "[redacted]". `env` is the resolved env a task
 * ran with (or `profileSecretValues`); values shorter than 6 characters are skipped, since
 * redacting "1" or "true" everywhere would mangle ordinary output and they aren't secrets.
 * Longer values are replaced first so one secret containing another is fully hidden.
 */
export function redactSecrets(text: string, env: Record<string, string> | string[]): string {
  const values = (Array.isArray(env) ? env : Object.values(env)).filter((v) => v.length >= 6);
  if (values.length === 0) return text;
  let out = text;
  for (const value of [...new Set(values)].sort((a, b) => b.length - a.length)) {
    out = out.split(value).join("[redacted]");
  }
  return out;
}

/**
 * The variable names a profile's config refers to as `$NAME` — its env values and its apiKey
 * — in order, once each: what "key set" means on the settings page and at a run's start.
 */
export function keyReferences(config: Record<string, unknown>): string[] {
  const names = new Set<string>();
  const declared = config.env;
  if (declared && typeof declared === "object" && !Array.isArray(declared)) {
    for (const raw of Object.values(declared)) {
      const name = typeof raw === "string" ? envReferenceName(raw) : null;
      if (name) names.add(name);
    }
  }
  const apiKey = typeof config.apiKey === "string" ? envReferenceName(config.apiKey) : null;
  if (apiKey) names.add(apiKey);
  return [...names];
}
