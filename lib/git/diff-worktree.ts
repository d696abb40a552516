/**
 * What a step changed: the worktree's files (tracked, modified, deleted and untracked, minus
 * .gitignored ones) against its start commit.
 *
 * The snapshot is taken through a *temporary copy* of the worktree's index (GIT_INDEX_FILE):
 * `git add -A` into the copy, `git write-tree`, then diff the start commit against that tree.
 * So the diff is exactly what committing now would record, untracked files included, and the
 * real index is never touched: an agent running `git add`/`git status` mid-step sees the state
 * it left. Copying the index (rather than starting empty) keeps git's stat cache, so only
 * changed files are re-read. The cost: blobs of changed files are written to the object store
 * on every snapshot; they are unreferenced until committed and go with the user's next gc.
 */
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { parseRawNumstat, sumStats, truncationNotice, type DiffFile, type DiffStats } from "./diff-parse";
import { runGitOrThrow } from "./run-git";

/** Diffs above this are cut (with a notice in the text); stats and the file list stay whole. */
export const DEFAULT_MAX_DIFF_BYTES = 2 * 1024 * 1024;

export interface DiffOptions {
  maxDiffBytes?: number;
}

export interface WorktreeDiff {
  /** Unified diff text (`a/` `b/` prefixes, renames detected), possibly truncated. */
  diff: string;
  diffTruncated: boolean;
  /** Size of the full diff text in bytes. */
  diffBytes: number;
  stats: DiffStats;
  files: DiffFile[];
}

export async function diffWorktree(
  worktreePath: string,
  startCommit: string,
  options: DiffOptions = {},
): Promise<WorktreeDiff & { tree: string }> {
  const tree = await snapshotWorktree(worktreePath);
  return { ...(await diffTrees(worktreePath, startCommit, tree, options)), tree };
}

/**
 * Diff between two tree-ish (commits or trees) of the repository at `cwd`. Uses plumbing
 * (`diff-tree`), which ignores porcelain config such as diff.noprefix, color.diff or
 * external diff drivers, so the text has the same shape on every machine.
 */
export async function diffTrees(cwd: string, from: string, to: string, options: DiffOptions = {}): Promise<WorktreeDiff> {
  const maxDiffBytes = options.maxDiffBytes ?? DEFAULT_MAX_DIFF_BYTES;
  const [summary, patch] = await Promise.all([
    runGitOrThrow(["diff-tree", "-r", "-M", "-z", "--raw", "--numstat", from, to], { cwd }),
    runGitOrThrow(["diff-tree", "-r", "-M", "-p", from, to], { cwd, maxStdoutBytes: maxDiffBytes }),
  ]);
  const files = parseRawNumstat(summary.stdout);
  return {
    diff: patch.stdoutTruncated ? truncationNotice(patch.stdout, patch.stdoutBytes) : patch.stdout,
    diffTruncated: patch.stdoutTruncated,
    diffBytes: patch.stdoutBytes,
    stats: sumStats(files),
    files,
  };
}

/**
 * The id of the tree that committing everything in the worktree now would record (see the
 * header). Equal ids mean identical contents, so a caller polling a running step can skip
 * the diff (and the event) when the id hasn't changed since the last snapshot.
 */
export async function snapshotWorktree(worktreePath: string): Promise<string> {
  const indexPath = path.resolve(
    worktreePath,
    (await runGitOrThrow(["rev-parse", "--git-path", "index"], { cwd: worktreePath })).stdout.trim(),
  );
  // Beside the real index: same filesystem, and inside the worktree's admin dir, so a crash
  // before the unlink leaves nothing behind once the worktree is removed.
  const temporaryIndex = `${indexPath}.baton-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  try {
    try {
      await fs.copyFile(indexPath, temporaryIndex);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const env = { GIT_INDEX_FILE: temporaryIndex };
    await runGitOrThrow(["add", "-A"], { cwd: worktreePath, env });
    return (await runGitOrThrow(["write-tree"], { cwd: worktreePath, env })).stdout.trim();
  } finally {
    await fs.rm(temporaryIndex, { force: true });
  }
}
