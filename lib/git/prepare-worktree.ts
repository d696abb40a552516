/**
 * Creates the worktree a step attempt works in, on its own branch
 * `baton/<run>/<key>-<attempt>` at `<root>/<run>/<key>-<attempt>`.
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
import { attemptBranchName, attemptWorktreePath } from "./ref-names";
import { deleteBranch, removeWorktree, removeWorktreeOrDebris } from "./remove-worktree";
import { runGitOrThrow } from "./run-git";

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
}

export interface PreparedWorktree {
  path: string;
  branch: string;
  /** The commit the agent starts from: the start commit, or the merge of the inputs. */
  startCommit: string;
  /** The resolved input commits, in merge order (one entry for `{commit}`). */
  inputCommits: string[];
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
  const branch = attemptBranchName(runId, nodeKey, attempt);
  const worktreePath = attemptWorktreePath(root, runId, nodeKey, attempt);

  await fs.mkdir(path.dirname(worktreePath), { recursive: true });
  if (await pathExists(worktreePath)) await removeWorktreeOrDebris(worktreePath);
  await addWorktreeOrThrow(repo, worktreePath, branch, inputCommits[0]);

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
        `Baton: merge ${commit} into ${branch}`,
        commit,
      ],
      { cwd: worktreePath, allowExitCodes: [1, 2, 128] },
    );
    if (merged.exitCode !== 0) {
      const paths = await conflictingPaths(worktreePath);
      await abandonOrThrow(repo, worktreePath, branch);
      if (paths.length > 0) throw new MergeConflictError(inputCommits.slice(0, i), commit, paths);
      throw new GitError("git_failed", `merging ${commit} into ${branch} failed: ${merged.stderr.trim() || merged.stdout.trim()}`);
    }
    startCommit = (await runGitOrThrow(["rev-parse", "HEAD"], { cwd: worktreePath })).stdout.trim();
  }
  return { path: worktreePath, branch, startCommit, inputCommits };
}

/**
 * -B resets this attempt's branch if it survived an earlier try. If the attempt's directory
 * was deleted by hand, git still has it registered (and its branch "checked out" there) and
 * refuses; pruning registrations of vanished worktrees and retrying once clears that.
 */
async function addWorktreeOrThrow(repo: string, worktreePath: string, branch: string, commit: string): Promise<void> {
  const args = ["worktree", "add", "-q", "-f", "--no-track", "-B", branch, worktreePath, commit];
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

/** A half-merged worktree is useless to anyone: remove it and the branch it was made for. */
async function abandonOrThrow(repo: string, worktreePath: string, branch: string): Promise<void> {
  await runGitOrThrow(["merge", "--abort"], { cwd: worktreePath, allowExitCodes: [128] });
  await removeWorktree(worktreePath);
  await deleteBranch(repo, branch);
}

function dedupe(commits: string[]): string[] {
  return [...new Set(commits)];
}
