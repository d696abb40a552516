/**
 * The profile form's view model: flat string fields per backend, mapped to and from the
 * stored config by pure functions. Settings the form doesn't show (e.g. a tuned
 * `availabilityTimeoutMs`) are carried over untouched. argv is edited one argument per
 * line, so no shell-style quoting is ever parsed.
 */

export type Backend = "acp" | "command" | "openai" | "demo";

export interface FormFields {
  id: string;
  label: string;
  backend: Backend;
  enabled: boolean;
  /** One argv element per line. */
  command: string;
  /** KEY=value per line. */
  env: string;
  mode: string;
  permissionPolicy: string;
  promptVia: string;
  baseURL: string;
  model: string;
  apiKey: string;
  systemPrompt: string;
  temperature: string;
  /** demo: the whole config as JSON. */
  json: string;
}

/** Config keys each backend's form edits; everything else is preserved as is. */
const EDITED: Record<Backend, string[]> = {
  acp: ["command", "env", "mode", "permissionPolicy"],
  command: ["command", "env", "promptVia"],
  openai: ["baseURL", "model", "apiKey", "systemPrompt", "temperature"],
  demo: [],
};

const str = (value: unknown) => (typeof value === "string" ? value : "");

export function emptyFields(backend: Backend = "acp"): FormFields {
  return {
    id: "",
    label: "",
    backend,
    enabled: true,
    command: "",
    env: "",
    mode: "",
    permissionPolicy: "worktree",
    promptVia: "stdin",
    baseURL: "http://127.0.0.1:11434/v1",
    model: "",
    apiKey: "",
    systemPrompt: "",
    temperature: "",
    json: "{}",
  };
}

export function fieldsFromProfile(profile: { id: string; label: string; backend: Backend; enabled: boolean; config: Record<string, unknown> }): FormFields {
  const c = profile.config;
  const env = c.env && typeof c.env === "object" ? Object.entries(c.env as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`) : [];
  return {
    ...emptyFields(profile.backend),
    id: profile.id,
    label: profile.label,
    enabled: profile.enabled,
    command: Array.isArray(c.command) ? c.command.map(String).join("\n") : "",
    env: env.join("\n"),
    mode: str(c.mode),
    permissionPolicy: str(c.permissionPolicy) || "worktree",
    promptVia: str(c.promptVia) || "stdin",
    baseURL: str(c.baseURL) || (profile.backend === "openai" ? "" : "http://127.0.0.1:11434/v1"),
    model: str(c.model),
    apiKey: str(c.apiKey),
    systemPrompt: str(c.systemPrompt),
    temperature: typeof c.temperature === "number" ? String(c.temperature) : "",
    json: JSON.stringify(c, null, 2),
  };
}

export type ConfigResult = { ok: true; config: Record<string, unknown> } | { ok: false; field: keyof FormFields; message: string };

function parseEnv(text: string): { ok: true; env: Record<string, string> } | { ok: false; message: string } {
  const env: Record<string, string> = {};
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) return { ok: false, message: `line ${i + 1}: expected KEY=value` };
    env[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { ok: true, env };
}

/**
 * Builds the config to send. Shape problems the form itself can see (bad JSON, a malformed
 * env line) are reported here; everything else is the server's validation, whose issues
 * come back with `config.<key>` paths (see `fieldForIssue`).
 */
export function configFromFields(fields: FormFields, base: Record<string, unknown> = {}): ConfigResult {
  if (fields.backend === "demo") {
    try {
      const parsed: unknown = JSON.parse(fields.json || "{}");
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return { ok: false, field: "json", message: "must be a JSON object" };
      return { ok: true, config: parsed as Record<string, unknown> };
    } catch (error) {
      return { ok: false, field: "json", message: `not valid JSON: ${(error as Error).message}` };
    }
  }
  const config: Record<string, unknown> = {};
  const edited = EDITED[fields.backend];
  for (const [key, value] of Object.entries(base)) if (!edited.includes(key)) config[key] = value;

  if (fields.backend === "acp" || fields.backend === "command") {
    config.command = fields.command.split("\n").map((s) => s.trim()).filter(Boolean);
    const env = parseEnv(fields.env);
    if (!env.ok) return { ok: false, field: "env", message: env.message };
    if (Object.keys(env.env).length) config.env = env.env;
  }
  if (fields.backend === "acp") {
    if (fields.mode.trim()) config.mode = fields.mode.trim();
    if (fields.permissionPolicy && fields.permissionPolicy !== "worktree") config.permissionPolicy = fields.permissionPolicy;
  }
  if (fields.backend === "command" && fields.promptVia !== "stdin") config.promptVia = fields.promptVia;
  if (fields.backend === "openai") {
    config.baseURL = fields.baseURL.trim();
    config.model = fields.model.trim();
    if (fields.apiKey.trim()) config.apiKey = fields.apiKey.trim();
    if (fields.systemPrompt.trim()) config.systemPrompt = fields.systemPrompt;
    if (fields.temperature.trim()) {
      const t = Number(fields.temperature);
      if (!Number.isFinite(t)) return { ok: false, field: "temperature", message: "must be a number" };
      config.temperature = t;
    }
  }
  return { ok: true, config };
}

/** Maps a server issue path ("config.apiKey", "config.env.GITHUB_TOKEN", "id") to a form field. */
export function fieldForIssue(path: string, backend: Backend): keyof FormFields | "form" {
  if (path === "id" || path === "label" || path === "backend" || path === "enabled") return path;
  if (!path.startsWith("config")) return "form";
  if (backend === "demo") return "json";
  const key = path.split(".")[1] ?? "";
  const known: Array<keyof FormFields> = ["command", "env", "mode", "permissionPolicy", "promptVia", "baseURL", "model", "apiKey", "systemPrompt", "temperature"];
  return (known as string[]).includes(key) ? (key as keyof FormFields) : "form";
}
