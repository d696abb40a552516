/**
 * Git lineage for code steps. Glossary:
 * - base commit: what the run's `baseRef` named when the run started (resolveRepoOrThrow).
 * - start commit: the commit a step attempt's worktree starts from: the base commit, an
 *   upstream result commit, or the merge of several (prepareWorktreeOrThrow).
 * - result commit: the commit recording everything the step changed (commitWorktreeOrThrow);
 *   equal to the start commit when nothing changed.
 * - attempt ref: `refs/baton/<run>/<key>-<attempt>` (not a branch); outlives the worktree.
 */
export { GitError, MergeConflictError, type GitErrorCode, type GitErrorField } from "./errors";
export { BATON_GIT_IDENTITY } from "./run-git";
export { attemptRefName, attemptWorktreePath, refSegment, runRefPrefix, runWorktreesDir, worktreesRoot } from "./ref-names";
export { parseRepoRootsOrThrow, resolveRepoOrThrow, type ResolvedRepo, type ResolveRepoOptions } from "./resolve-repo";
export {
  prepareWorktreeOrThrow,
  type PreparedWorktree,
  type PrepareWorktreeInput,
  type WorktreeStart,
} from "./prepare-worktree";
export {
  DEFAULT_MAX_DIFF_BYTES,
  diffTrees,
  diffWorktree,
  snapshotWorktree,
  type DiffOptions,
  type WorktreeDiff,
} from "./diff-worktree";
export type { DiffFile, DiffFileStatus, DiffStats } from "./diff-parse";
export { commitWorktreeOrThrow, type CommittedWorktree } from "./commit-worktree";
export { cleanupRunWorktrees, deleteRef, removeWorktree } from "./remove-worktree";
export { EXAMPLE_REPO_DIR, ensureExampleRepo } from "./example-repo";
