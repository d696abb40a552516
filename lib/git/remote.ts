/**
 * Lineage across machines, with git itself as the transport (no file sync of our own).
 *
 * - publish: after an attempt commits, its worker pushes the result commit to the lineage
 *   remote as `refs/baton/<run>/<key>-<attempt>` — in Baton's own namespace, so the
 *   remote's branch list is untouched — together with the run's base
 *   commit as `refs/baton/<run>/base`. Forced: an attempt's ref moves when a prepared merge
 *   is published before its agent's commit.
 * - fetch: before preparing a worktree, a worker fetches the start commits it lacks. First by
 *   commit id (protocol v2 servers serve any reachable commit: one round trip), then, for a
 *   server that refuses unadvertised ids (protocol v0), every ref of the run's namespace by
 *   name. Neither writes a local ref or FETCH_HEAD, so concurrent fetches into one clone
 *   never contend for a ref lock; the commits become reachable locally through the worktree
 *   (and attempt ref) made from them right after.
 *
 * Each network command is bounded by `timeoutMs` and tried `attempts` times with backoff;
 * what is left after that is GitError("remote_failed") naming the operation, the remote and
 * git's last words. A remote that answers "no such commit" is not retried: that is an answer.
 */
import { GitError } from "./errors";
import { refSegment } from "./ref-names";
import { runGitOrThrow, type GitResult } from "./run-git";

export interface LineageLink {
  /** The local clone. */
  repo: string;
  /** Remote name, path or URL (validated by repo-map.ts). */
  remote: string;
  timeoutMs: number;
  attempts: number;
  /** First backoff delay; doubled per try (default 250 ms). */
  backoffMs?: number;
}

export interface PublishedRef {
  ref: string;
  commit: string;
}

/** `refs/baton/<run>/`: the run's namespace on the lineage remote. */
export function lineageRunPrefix(runId: string): string {
  return `refs/baton/${refSegment(runId)}/`;
}

/** `refs/baton/<run>/<key>-<attempt>`: where an attempt's result (or prepared start) is published. */
export function lineageAttemptRef(runId: string, nodeKey: string, attempt: number): string {
  return `${lineageRunPrefix(runId)}${refSegment(nodeKey)}-${attempt}`;
}

/** `refs/baton/<run>/base`: the run's base commit. No attempt ref ends in `base` (they end in `-<n>`). */
export function lineageBaseRef(runId: string): string {
  return `${lineageRunPrefix(runId)}base`;
}

/**
 * Environment for commands that reach another machine: lib/git drops inherited GIT_*
 * variables, but an operator's ssh settings for the remote must still apply.
 */
function transportEnv(): Record<string, string> {
  const keep: Record<string, string> = {};
  for (const name of ["GIT_SSH_COMMAND", "GIT_SSH", "GIT_SSH_VARIANT", "GIT_ASKPASS"]) {
    const value = process.env[name];
    if (value) keep[name] = value;
  }
  return keep;
}

/** Git's ways of saying the remote has no such object or ref: answers, not failures. */
const NOT_THERE = /not our ref|couldn't find remote ref|no such remote ref|does not allow request for unadvertised object|upload-pack: not our/i;

/** One network command, bounded and retried. Exit codes in `answers` are returned, not retried. */
async function remoteGitOrThrow(link: LineageLink, args: string[], what: string, answers: { notThere?: boolean } = {}): Promise<GitResult> {
  let last: unknown = null;
  const backoff = link.backoffMs ?? 250;
  for (let attempt = 1; attempt <= link.attempts; attempt++) {
    try {
      const result = await runGitOrThrow(args, {
        cwd: link.repo,
        timeoutMs: link.timeoutMs,
        env: transportEnv(),
        allowExitCodes: answers.notThere ? [1, 128] : [],
      });
      if (result.exitCode === 0) return result;
      if (NOT_THERE.test(result.stderr)) return result;
      last = new GitError("git_failed", `git ${args[0]} failed (exit ${result.exitCode}): ${result.stderr.trim().split("\n").slice(0, 5).join(" / ") || "(no output)"}`);
    } catch (error) {
      // A missing clone or missing git is not going to appear on retry.
      if (error instanceof GitError && (error.code === "worktree_invalid" || error.code === "git_unavailable")) throw error;
      last = error;
    }
    if (attempt < link.attempts) await sleep(backoff * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4));
  }
  const reason = last instanceof Error ? last.message : String(last);
  throw new GitError(
    "remote_failed",
    `${what} failed after ${link.attempts} ${link.attempts === 1 ? "try" : "tries"} (each bounded by ${Math.round(link.timeoutMs / 100) / 10} s): ${reason}`,
  );
}

/** Pushes commits to refs on the lineage remote (forced). */
export async function publishCommitsOrThrow(link: LineageLink, refs: readonly PublishedRef[]): Promise<void> {
  if (refs.length === 0) return;
  for (const { ref, commit } of refs) {
    if (!ref.startsWith("refs/baton/") || !/^[0-9a-f]{40,64}$/.test(commit)) {
      throw new GitError("invalid_argument", `cannot publish ${commit} as ${ref}: a full commit id and a refs/baton/ ref are required`);
    }
  }
  const names = refs.map((r) => `${r.commit.slice(0, 12)} as ${r.ref}`).join(", ");
  await remoteGitOrThrow(
    link,
    ["push", "-q", "--no-verify", "--recurse-submodules=no", link.remote, ...refs.map((r) => `+${r.commit}:${r.ref}`)],
    `pushing ${names} to ${link.remote}`,
  );
}

/** The commits of `commits` this clone lacks. */
export async function missingCommits(repo: string, commits: readonly string[]): Promise<string[]> {
  const unique = [...new Set(commits)];
  const present = await Promise.all(
    unique.map(async (commit) => {
      const probe = await runGitOrThrow(["cat-file", "-e", `${commit}^{commit}`], { cwd: repo, allowExitCodes: [1, 128] });
      return probe.exitCode === 0;
    }),
  );
  return unique.filter((_, i) => !present[i]);
}

/**
 * Makes every commit of `commits` present in the clone, fetching what is missing from the
 * lineage remote (see the header). Returns the commits it fetched. Throws
 * GitError("commit_not_found") when the remote has them under no ref of the run either.
 */
export async function ensureCommitsOrThrow(link: LineageLink, runId: string, commits: readonly string[]): Promise<string[]> {
  for (const commit of commits) {
    if (!/^[0-9a-f]{40,64}$/.test(commit)) throw new GitError("invalid_argument", `"${commit}" is not a full commit id`);
  }
  const missing = await missingCommits(link.repo, commits);
  if (missing.length === 0) return [];
  const fetch = ["fetch", "-q", "--no-tags", "--no-write-fetch-head", "--refmap=", "--recurse-submodules=no", link.remote];
  await remoteGitOrThrow(link, [...fetch, ...missing], `fetching ${short(missing)} from ${link.remote}`, { notThere: true });
  let still = await missingCommits(link.repo, missing);
  if (still.length > 0) {
    const prefix = lineageRunPrefix(runId);
    const listed = await remoteGitOrThrow(link, ["ls-remote", "--refs", link.remote, `${prefix}*`], `listing ${prefix}* on ${link.remote}`);
    const refs = listed.stdout
      .split("\n")
      .map((line) => line.split("\t")[1]?.trim())
      .filter((ref): ref is string => !!ref && ref.startsWith(prefix));
    if (refs.length > 0) await remoteGitOrThrow(link, [...fetch, ...refs], `fetching ${prefix}* from ${link.remote}`, { notThere: true });
    still = await missingCommits(link.repo, missing);
  }
  if (still.length > 0) {
    throw new GitError(
      "commit_not_found",
      `commit ${short(still)} is neither in ${link.repo} nor reachable on the lineage remote ${link.remote} (under ${lineageRunPrefix(runId)}* or any other ref)`,
    );
  }
  return missing;
}

/**
 * Startup check of a remote given by name: the clone must have it configured, else every
 * push would fail at the first step. Paths and URLs are checked by their first use.
 */
export async function checkRemoteConfiguredOrThrow(repo: string, remote: string): Promise<void> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(remote)) return;
  const found = await runGitOrThrow(["remote", "get-url", remote], { cwd: repo, allowExitCodes: [2, 128] });
  if (found.exitCode !== 0) throw new GitError("repo_map_invalid", `${repo} has no remote "${remote}" (git remote add ${remote} <url>)`);
}

function short(commits: readonly string[]): string {
  return commits.map((c) => c.slice(0, 12)).join(", ");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
