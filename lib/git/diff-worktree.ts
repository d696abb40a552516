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
    await copyIndex(indexPath, temporaryIndex);
    const env = { GIT_INDEX_FILE: temporaryIndex };
    await runGitOrThrow(["add", "-A"], { cwd: worktreePath, env });
    return (await runGitOrThrow(["write-tree"], { cwd: worktreePath, env })).stdout.trim();
  } finally {
    await fs.rm(temporaryIndex, { force: true });
  }
}

/**
 * Repeated snapshots of one worktree (a running step's live diff) that cost what changed:
 * the temporary index lives as long as the snapshotter instead of being copied per call, so
 * each `git add` finds the stat data the previous one refreshed, and a snapshot limited to
 * `paths` (the files an agent's tool call says it wrote) walks only those instead of the
 * whole tree. A limited snapshot holds those paths' changes plus whatever earlier snapshots
 * saw; a full one (paths null) holds everything, as snapshotWorktree does. `dispose` removes
 * the index (it lives in the worktree's admin dir, so a crash leaves it to the worktree's
 * removal or the pool's next hand-out: neither reads it).
 */
export class WorktreeSnapshotter {
  private indexPath: string | null = null;

  constructor(private readonly worktreePath: string) {}

  async snapshot(paths: readonly string[] | null): Promise<string> {
    const index = await this.index();
    const env = { GIT_INDEX_FILE: index, GIT_LITERAL_PATHSPECS: "1" };
    const cwd = this.worktreePath;
    if (paths !== null && paths.length > 0) {
      // A path that neither exists nor is tracked matches nothing (exit 128): walk everything.
      const limited = await runGitOrThrow(["add", "-A", "--", ...paths], { cwd, env, allowExitCodes: [128] });
      if (limited.exitCode !== 0) await runGitOrThrow(["add", "-A"], { cwd, env });
    } else {
      await runGitOrThrow(["add", "-A"], { cwd, env });
    }
    return (await runGitOrThrow(["write-tree"], { cwd, env })).stdout.trim();
  }

  async dispose(): Promise<void> {
    if (this.indexPath) await fs.rm(this.indexPath, { force: true });
    this.indexPath = null;
  }

  private async index(): Promise<string> {
    if (this.indexPath) return this.indexPath;
    const real = path.resolve(
      this.worktreePath,
      (await runGitOrThrow(["rev-parse", "--git-path", "index"], { cwd: this.worktreePath })).stdout.trim(),
    );
    const copy = `${real}.baton-watch-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
    await copyIndex(real, copy);
    this.indexPath = copy;
    return copy;
  }
}

/**
 * Copies an index keeping its mtime. Git trusts an entry's stat data only when the file is
 * older than the index ("racy git"): a copy stamped now would make a file rewritten with the
 * same size in the same second as the checkout look unchanged.
 */
async function copyIndex(from: string, to: string): Promise<void> {
  try {
    const stat = await fs.stat(from);
    await fs.copyFile(from, to);
    await fs.utimes(to, stat.atime, stat.mtime);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
