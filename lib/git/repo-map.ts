/**
 * Where a worker finds a run's repository, and where it shares lineage with other workers.
 * Pure: parses and validates the settings; lib/git/remote.ts does the git work.
 *
 * A run names its repository by the value stored in `runs.repo`: a *name* such as `app`
 * (when the process that started the run resolved it through its own map) or an absolute
 * path (runs started with a path, as before). Each worker resolves that value to its own
 * local clone:
 *
 *   BATON_REPO_MAP         JSON `{"app": "/srv/app", "lib": {"path": "/srv/lib", "remote": "origin"}}`
 *                          or pairs `app=/srv/app,lib=/srv/lib` (commas or newlines between
 *                          pairs; use JSON for paths containing commas). Keys are names
 *                          (`[A-Za-z0-9][A-Za-z0-9._-]*`, no `/`) or absolute paths (a path a
 *                          run was started with on another machine); values absolute paths.
 *                          A run whose repo is a path with no entry uses that path as is.
 *   BATON_LINEAGE_REMOTE   where attempt results are pushed and start commits fetched, for
 *                          every repository without a remote of its own in the map: a remote
 *                          name configured in each clone (`origin`), an absolute path to a
 *                          bare repository, or a URL (ssh://, https://, git://, file://,
 *                          user@host:path). Unset: no sharing (one machine, as before).
 *   BATON_GIT_REMOTE_TIMEOUT_MS  bound on each push/fetch/ls-remote (default 60000)
 *   BATON_GIT_REMOTE_ATTEMPTS    tries per network operation, with backoff (default 3)
 */
import path from "node:path";
import { z } from "zod";
import { GitError } from "./errors";

export interface RepoMapEntry {
  /** Absolute path of this worker's clone (its work tree's top level). */
  path: string;
  /** Lineage remote for this repository; null: BATON_LINEAGE_REMOTE (or none). */
  remote: string | null;
}

export interface GitSharing {
  repos: ReadonlyMap<string, RepoMapEntry>;
  /** Default lineage remote; null: no sharing unless an entry names one. */
  remote: string | null;
  timeoutMs: number;
  attempts: number;
}

/** A run's repository as this worker reaches it. */
export interface LocalRepo {
  path: string;
  /** Lineage remote, or null when this repository's lineage is not shared. */
  remote: string | null;
}

export const NO_SHARING: GitSharing = { repos: new Map(), remote: null, timeoutMs: 60_000, attempts: 3 };

const REPO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const REMOTE_URL = /^(ssh|https?|git|file):\/\/[^\s]+$/;
const SCP_LIKE = /^([A-Za-z0-9._-]+@)?[A-Za-z0-9][A-Za-z0-9.-]*:[^\s/][^\s]*$/;
const CONTROL = /[\x00-\x1f\x7f]/;

/** A repository name (as opposed to a path): what a run may name and a map key may be. */
export function isRepoName(value: string): boolean {
  return REPO_NAME.test(value) && !value.includes("..");
}

/** Why `value` is not a usable lineage remote, or null when it is. */
export function remoteProblem(value: string): string | null {
  if (value === "") return "must not be empty";
  if (CONTROL.test(value) || /\s/.test(value)) return "must not contain whitespace or control characters";
  if (value.startsWith("-")) return 'must not start with "-"';
  if (path.isAbsolute(value)) return null;
  if (REMOTE_URL.test(value) || SCP_LIKE.test(value) || REMOTE_NAME.test(value)) return null;
  return "must be a remote name (e.g. origin), an absolute path to a bare repository, or an ssh/https/git/file URL";
}

const absolutePath = z.string().superRefine((p, ctx) => {
  if (p === "") ctx.addIssue({ code: "custom", message: "path must not be empty" });
  else if (CONTROL.test(p)) ctx.addIssue({ code: "custom", message: "path must not contain control characters" });
  else if (!path.isAbsolute(p)) ctx.addIssue({ code: "custom", message: `path must be absolute, got "${p}"` });
});
const remote = z.string().superRefine((value, ctx) => {
  const problem = remoteProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `remote ${problem}` });
});
const entrySchema = z.union([absolutePath, z.object({ path: absolutePath, remote: remote.optional() }).strict()]);

/** Parses BATON_REPO_MAP; a bad entry throws GitError("repo_map_invalid") naming it. */
export function parseRepoMapOrThrow(value: string | undefined, variable = "BATON_REPO_MAP"): Map<string, RepoMapEntry> {
  const out = new Map<string, RepoMapEntry>();
  if (value === undefined || value.trim() === "") return out;
  const raw = /^[{[]/.test(value.trim()) ? parseJsonOrThrow(value, variable) : parsePairsOrThrow(value, variable);
  for (const [key, given] of raw) {
    const keyProblem = isRepoName(key) || (path.isAbsolute(key) && !CONTROL.test(key)) ? null : "must be a name ([A-Za-z0-9._-], no \"/\") or an absolute path";
    if (keyProblem) throw invalid(variable, key, `the key ${keyProblem}`);
    const parsed = entrySchema.safeParse(given);
    if (!parsed.success) {
      // The union reports both branches; the object branch's issue is the useful one for objects.
      const issues = parsed.error.issues.flatMap((i) => (i.code === "invalid_union" ? i.errors.flat() : [i]));
      const wanted = issues.find((i) => (typeof given === "string" ? i.path.length === 0 : i.path.length > 0)) ?? issues[0];
      const where = wanted.path.length > 0 ? `${wanted.path.join(".")}: ` : "";
      throw invalid(variable, key, `${where}${wanted.message}`);
    }
    const entry = typeof parsed.data === "string" ? { path: parsed.data } : parsed.data;
    const mapKey = isRepoName(key) ? key : path.normalize(key);
    if (out.has(mapKey)) throw invalid(variable, key, "is listed twice");
    out.set(mapKey, { path: path.normalize(entry.path), remote: entry.remote ?? null });
  }
  return out;
}

function parseJsonOrThrow(value: string, variable: string): Array<[string, unknown]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new GitError("repo_map_invalid", `${variable}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new GitError("repo_map_invalid", `${variable}: must be a JSON object of name → path`);
  }
  return Object.entries(parsed);
}

function parsePairsOrThrow(value: string, variable: string): Array<[string, unknown]> {
  return value
    .split(/[,\n]/)
    .map((pair) => pair.trim())
    .filter((pair) => pair !== "")
    .map((pair): [string, unknown] => {
      const at = pair.indexOf("=");
      if (at <= 0) throw invalid(variable, pair, 'must be name=path (or use a JSON object)');
      return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    });
}

function invalid(variable: string, entry: string, reason: string): GitError {
  const shown = entry.length > 80 ? `${entry.slice(0, 77)}...` : entry;
  return new GitError("repo_map_invalid", `${variable}: entry "${shown}": ${reason}`);
}

const ms = z.coerce.number().int().min(100).max(3_600_000);
const attempts = z.coerce.number().int().min(1).max(10);

/** Every setting above from the environment; a bad value throws naming its variable. */
export function gitSharingFromEnvOrThrow(env: Record<string, string | undefined> = process.env): GitSharing {
  const repos = parseRepoMapOrThrow(env.BATON_REPO_MAP);
  const given = env.BATON_LINEAGE_REMOTE?.trim();
  if (given) {
    const problem = remoteProblem(given);
    if (problem) throw new GitError("repo_map_invalid", `BATON_LINEAGE_REMOTE: ${problem}`);
  }
  const number = (name: string, schema: z.ZodType<number>, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") return fallback;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new GitError("repo_map_invalid", `${name}: ${parsed.error.issues[0].message}`);
    return parsed.data;
  };
  return {
    repos,
    remote: given ? given : null,
    timeoutMs: number("BATON_GIT_REMOTE_TIMEOUT_MS", ms, NO_SHARING.timeoutMs),
    attempts: number("BATON_GIT_REMOTE_ATTEMPTS", attempts, NO_SHARING.attempts),
  };
}

/**
 * The local clone for a run's `repo` value: the map's entry, else the value itself when it
 * is a path (same paths on every machine). A name this worker has no entry for throws.
 */
export function localRepoOrThrow(sharing: GitSharing, runRepo: string): LocalRepo {
  const key = isRepoName(runRepo) ? runRepo : path.normalize(runRepo);
  const entry = sharing.repos.get(key);
  if (entry) return { path: entry.path, remote: entry.remote ?? sharing.remote };
  if (isRepoName(runRepo)) {
    throw new GitError("repo_not_mapped", `this worker has no clone of repository "${runRepo}": add it to BATON_REPO_MAP (name=path)`, "repo");
  }
  return { path: runRepo, remote: sharing.remote };
}

/** "repo:<name>" for each named repository: the tags a worker with this map advertises. */
export function repoTags(sharing: GitSharing): string[] {
  return [...sharing.repos.keys()].filter(isRepoName).map(repoTag);
}

export function repoTag(name: string): string {
  return `repo:${name}`;
}
