/**
 * One error type for everything lib/git refuses or fails at. `code` says what went wrong;
 * `field` is set when the cause is a value the caller passed in from a request (the run's
 * `repo` or `baseRef`), so the API layer can answer 400 naming that field. Errors without a
 * field are Baton's own or git's failures (500 at the API; a failed step in the engine).
 */
export type GitErrorCode =
  | "git_unavailable"
  | "git_failed"
  | "git_timeout"
  | "remote_failed"
  | "repo_map_invalid"
  | "repo_not_mapped"
  | "invalid_argument"
  | "roots_invalid"
  | "repo_not_absolute"
  | "repo_not_found"
  | "repo_not_directory"
  | "repo_outside_roots"
  | "repo_not_git"
  | "repo_bare"
  | "repo_not_toplevel"
  | "ref_invalid"
  | "ref_not_found"
  | "commit_not_found"
  | "merge_conflict"
  | "worktree_invalid";

export type GitErrorField = "repo" | "baseRef";

export class GitError extends Error {
  constructor(
    readonly code: GitErrorCode,
    message: string,
    readonly field: GitErrorField | null = null,
  ) {
    super(message);
    this.name = "GitError";
  }
}

/**
 * Merging a step's upstream result commits conflicted. The worktree and branch were removed
 * before this was thrown; `paths` are the conflicting files (repo-relative, sorted).
 */
export class MergeConflictError extends GitError {
  constructor(
    /** Everything merged before the failing merge: the start of the branch plus earlier merges. */
    readonly mergedCommits: string[],
    /** The commit whose merge conflicted. */
    readonly conflictingCommit: string,
    readonly paths: string[],
  ) {
    super(
      "merge_conflict",
      `merging ${conflictingCommit.slice(0, 12)} into ${mergedCommits.map((c) => c.slice(0, 12)).join(" + ")} conflicts in: ${paths.join(", ")}`,
    );
    this.name = "MergeConflictError";
  }
}
