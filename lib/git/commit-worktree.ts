/**
 * Records a finished step: stages everything in its worktree (untracked files included,
 * .gitignored ones not) and commits as Baton, then diffs the result against the start commit.
 *
 * No changes → no commit: an empty commit would make "did this step change anything?" a
 * question about trees instead of ids. Then `resultCommit` is HEAD, which is the start
 * commit unless the agent made commits of its own (those are kept: the commit goes on top
 * of whatever HEAD the agent left, and the diff always spans start → result).
 */
import { GitError } from "./errors";
import { diffTrees, type DiffOptions, type WorktreeDiff } from "./diff-worktree";
import { runGitOrThrow } from "./run-git";

export interface CommittedWorktree extends WorktreeDiff {
  resultCommit: string;
  /** False when there was nothing to commit. */
  committed: boolean;
}

export async function commitWorktreeOrThrow(
  worktreePath: string,
  message: string,
  startCommit: string,
  options: DiffOptions & { onDiffing?: () => void } = {},
): Promise<CommittedWorktree> {
  const text = message.trim() === "" ? "Baton step result" : message;
  await runGitOrThrow(["add", "-A"], { cwd: worktreePath });
  const staged = await runGitOrThrow(["diff", "--cached", "--quiet", "HEAD", "--"], {
    cwd: worktreePath,
    allowExitCodes: [1],
  });
  const committed = staged.exitCode === 1;
  if (committed) {
    // --cleanup=whitespace keeps lines starting with "#" (step keys like "build#1").
    await runGitOrThrow(["commit", "-q", "--no-verify", "--cleanup=whitespace", "-m", text], { cwd: worktreePath });
  }
  const resultCommit = (await runGitOrThrow(["rev-parse", "HEAD"], { cwd: worktreePath })).stdout.trim();
  if (!/^[0-9a-f]{40,64}$/.test(resultCommit)) {
    throw new GitError("git_failed", `${worktreePath}: HEAD is not a commit after committing`);
  }
  const { onDiffing, ...diffOptions } = options;
  onDiffing?.();
  const diff = await diffTrees(worktreePath, startCommit, resultCommit, diffOptions);
  return { ...diff, resultCommit, committed };
}
