/**
 * The environment of every child process Baton starts for a flow: agents (acp and command
 * backends, and their availability probes), check steps, arena `check` commands, judges.
 *
 * Built from an allow-list, never from "everything minus a few names": Baton's environment
 * holds its own credentials (BATON_TOKEN, DATABASE_URL), every profile's API keys (a profile
 * references "$ANTHROPIC_API_KEY" from there), the operator's shell secrets, and switches
 * meant for Baton alone (IS_SANDBOX, NODE_OPTIONS, npm_config_*). A child sees only:
 * - what a program needs to find itself, its user and its locale (INHERITED below);
 * - proxy and CA settings, without which an agent behind a corporate proxy can't reach its model;
 * - for an agent, its own profile's `env` with `$VAR` references resolved (lib/profiles/env.ts),
 *   which is applied last, so a profile may set its own HOME, PATH or TMPDIR.
 * Pure: the parent environment is an argument.
 */

/** Names passed through from Baton's environment, when set. */
export const INHERITED = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "TERM",
  "COLORTERM",
  "TZ",
  "TMPDIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "all_proxy",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "NODE_EXTRA_CA_CERTS",
] as const;

/** Prefixes passed through: the locale categories (LC_ALL, LC_CTYPE, …). */
export const INHERITED_PREFIXES = ["LC_"] as const;

export function isInherited(name: string): boolean {
  return (INHERITED as readonly string[]).includes(name) || INHERITED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** The allow-listed part of `parent`, then `own` (a profile's resolved env) over it. */
export function childEnv(
  own: Readonly<Record<string, string>> = {},
  parent: Readonly<Record<string, string | undefined>> = process.env,
): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && isInherited(name)) env[name] = value;
  }
  // Next's types declare NODE_ENV on every ProcessEnv; a child deliberately doesn't inherit it
  // (Baton's "production" would make a check's `npm install` skip dev dependencies).
  return Object.assign(env, own) as NodeJS.ProcessEnv;
}
