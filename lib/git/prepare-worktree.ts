/**
 * Creates the worktree a step attempt works in, at `<root>/<run>/<key>-<attempt>` with HEAD
 * detached at the start commit, and the attempt's ref `refs/baton/<run>/<key>-<attempt>`
 * pointing at it (moved to the result commit on commit: commit-worktree.ts). The ref lives
 * outside refs/heads, so the user's branch list never shows attempts; detached HEAD (not a
 * symbolic HEAD on the Baton ref, which makes `git branch` in the worktree fail) keeps every
 * git command an agent runs working.
 *
 * Start points:
 * - `{commit}`: the run's base commit, the upstream step's result commit, or, on a re-run,
 *   the step's *recorded* start commit, which restores git state exactly whatever has
 *   happened to branches since.
 * - `{merge: [c1, c2, …]}`: the branch starts at c1 and merges c2… one at a time with the
 *   fixed Baton identity; the start commit is the last merge (or c2 itself when it fast-
 *   forwards, i.e. c1 was already in it). A conflict aborts, removes the worktree and the
 *   branch, and throws MergeConflictError naming the conflicting paths.
 *
 * Idempotent per attempt: if this attempt's worktree or branch exists (a worker died after
 * creating it and the attempt is being redone), both are reset to the start point. The
 * branch belongs to this attempt alone, so nothing else is lost.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { pathExists } from "../path-exists";
import { GitError, MergeConflictError } from "./errors";
import { attemptRefName, attemptWorktreePath } from "./ref-names";
import { deleteRef, removeWorktree, removeWorktreeOrDebris } from "./remove-worktree";
import { runGitOrThrow } from "./run-git";
import { resetWorktreeOrThrow, returnWorktreeToPool, takePooledWorktree, type PoolLimits, type WorktreePolicy } from "./worktree-pool";

export type WorktreeStart = { commit: string } | { merge: string[] };

export interface PrepareWorktreeInput {
  /** The run's repository (as returned by resolveRepoOrThrow). */
  repo: string;
  /** Absolute directory for worktrees, under the data dir. */
  root: string;
  runId: string;
  nodeKey: string;
  attempt: number;
  start: WorktreeStart;
  /**
   * Take the worktree from the repository's pool (worktree-pool.ts) and reset it to the start
   * commit under `policy`; a new one is added only when the pool has none. Without it every
   * attempt gets a fresh `git worktree add`.
   */
  pool?: { policy: WorktreePolicy; limits: PoolLimits } | null;
}

export interface PreparedWorktree {
  path: string;
  /** The attempt's ref, `refs/baton/<run>/<key>-<attempt>`, at the start commit for now. */
  ref: string;
  /** The commit the agent starts from: the start commit, or the merge of the inputs. */
  startCommit: string;
  /** The resolved input commits, in merge order (one entry for `{commit}`). */
  inputCommits: string[];
  /** How the directory came about: reused from the pool (or this attempt's earlier try), or added. */
  origin: "pool" | "added";
}

export async function prepareWorktreeOrThrow(input: PrepareWorktreeInput): Promise<PreparedWorktree> {
  const { repo, root, runId, nodeKey, attempt } = input;
  if (!path.isAbsolute(root)) throw new GitError("invalid_argument", `worktree root must be absolute, got "${root}"`);
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new GitError("invalid_argument", `attempt must be a non-negative integer, got ${attempt}`);
  }
  if (runId === "" || nodeKey === "") throw new GitError("invalid_argument", "runId and nodeKey must be non-empty");
  const requested = "commit" in input.start ? [input.start.commit] : input.start.merge;
  if (requested.length === 0) throw new GitError("invalid_argument", "start.merge must list at least one commit");

  const inputCommits = dedupe(await resolveCommitsOrThrow(repo, requested));
  const ref = attemptRefName(runId, nodeKey, attempt);
  const worktreePath = attemptWorktreePath(root, runId, nodeKey, attempt);

  await fs.mkdir(path.dirname(worktreePath), { recursive: true });
  const origin = await placeWorktreeOrThrow(input, worktreePath, inputCommits[0]);

  let startCommit = inputCommits[0];
  for (let i = 1; i < inputCommits.length; i++) {
    const commit = inputCommits[i];
    const merged = await runGitOrThrow(
      [
        "merge",
        "-q",
        "--ff",
        "--no-edit",
        "--no-log",
        "--no-stat",
        "--no-verify-signatures",
        "--no-autostash",
        "-m",
        `Baton: merge ${commit} into ${ref}`,
        commit,
      ],
      { cwd: worktreePath, allowExitCodes: [1, 2, 128] },
    );
    if (merged.exitCode !== 0) {
      const paths = await conflictingPaths(worktreePath);
      await abandonOrThrow(input, worktreePath, ref);
      if (paths.length > 0) throw new MergeConflictError(inputCommits.slice(0, i), commit, paths);
      throw new GitError("git_failed", `merging ${commit} into ${ref} failed: ${merged.stderr.trim() || merged.stdout.trim()}`);
    }
    startCommit = (await runGitOrThrow(["rev-parse", "HEAD"], { cwd: worktreePath })).stdout.trim();
  }
  await runGitOrThrow(["update-ref", "-m", "Baton: attempt start", ref, startCommit], { cwd: repo });
  return { path: worktreePath, ref, startCommit, inputCommits, origin };
}

/**
 * Puts a worktree at `commit` on `worktreePath`: this attempt's own leftover (a worker died
 * after creating it) or a pooled one, reset; else a new one. A pooled worktree that cannot be
 * reset (damaged) is removed and replaced by a new one.
 */
async function placeWorktreeOrThrow(input: PrepareWorktreeInput, worktreePath: string, commit: string): Promise<"pool" | "added"> {
  const { repo, root, pool } = input;
  let candidate: string | null = null;
  if (await pathExists(worktreePath)) {
    if (pool) candidate = worktreePath;
    else await removeWorktreeOrDebris(worktreePath);
  }
  if (pool && candidate === null) candidate = await takePooledWorktree(root, repo, worktreePath, pool.limits);
  if (pool && candidate !== null) {
    try {
      await resetWorktreeOrThrow(candidate, commit, pool.policy);
      return "pool";
    } catch {
      await removeWorktreeOrDebris(candidate);
    }
  }
  await addWorktreeOrThrow(repo, worktreePath, commit);
  return "added";
}

/**
 * A detached worktree at `commit`. If the attempt's directory was deleted by hand, git still
 * has it registered and refuses the path; pruning registrations of vanished worktrees and
 * retrying once clears that.
 */
async function addWorktreeOrThrow(repo: string, worktreePath: string, commit: string): Promise<void> {
  const args = ["worktree", "add", "-q", "-f", "--detach", worktreePath, commit];
  const first = await runGitOrThrow(args, { cwd: repo, allowExitCodes: [128, 255] });
  if (first.exitCode === 0) return;
  await runGitOrThrow(["worktree", "prune"], { cwd: repo });
  await runGitOrThrow(args, { cwd: repo });
}

/** Resolves commit-ish inputs to full ids in one git call; on failure, names the bad one. */
async function resolveCommitsOrThrow(repo: string, commits: string[]): Promise<string[]> {
  for (const commit of commits) {
    if (typeof commit !== "string" || commit === "" || commit.startsWith("-") || /[\s\x00-\x1f]/.test(commit)) {
      throw new GitError("commit_not_found", `start commit "${String(commit)}" is not a valid commit name`);
    }
  }
  const result = await runGitOrThrow(["rev-parse", ...commits.map((c) => `${c}^{commit}`)], {
    cwd: repo,
    allowExitCodes: [128],
  });
  const ids = result.stdout.trim().split("\n");
  if (result.exitCode === 0 && ids.length === commits.length) return ids;
  for (const commit of commits) {
    const one = await runGitOrThrow(["rev-parse", "--verify", "--quiet", `${commit}^{commit}`], {
      cwd: repo,
      allowExitCodes: [1, 128],
    });
    if (one.exitCode !== 0) throw new GitError("commit_not_found", `start commit ${commit} is not a commit in ${repo}`);
  }
  throw new GitError("git_failed", `resolving ${commits.join(", ")} failed: ${result.stderr.trim()}`);
}

async function conflictingPaths(worktreePath: string): Promise<string[]> {
  const result = await runGitOrThrow(["diff", "--name-only", "--diff-filter=U", "-z"], { cwd: worktreePath });
  return [...new Set(result.stdout.split("\0").filter((p) => p !== ""))].sort();
}

/**
 * A half-merged worktree is useless to this attempt: back to the pool (the next hand-out
 * resets it) or removed, and any ref left from an earlier try deleted.
 */
async function abandonOrThrow(input: PrepareWorktreeInput, worktreePath: string, ref: string): Promise<void> {
  await runGitOrThrow(["merge", "--abort"], { cwd: worktreePath, allowExitCodes: [128] });
  const pooled = input.pool ? await returnWorktreeToPool(input.root, input.repo, worktreePath, input.pool.limits) : false;
  if (!pooled) await removeWorktree(worktreePath);
  await deleteRef(input.repo, ref);
}

function dedupe(commits: string[]): string[] {
  return [...new Set(commits)];
}
