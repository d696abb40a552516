/**
 * A run's repository as the process starting the run resolves it: a *name* through that
 * process's own BATON_REPO_MAP (its clone is checked and gives the base commit; the run
 * stores the name, which every worker resolves to its own clone), else a path, checked by
 * resolveRepoOrThrow and stored as its real path.
 */
import { GitError } from "./errors";
import { gitSharingFromEnvOrThrow, isRepoName, repoTag, type GitSharing } from "./repo-map";
import { resolveRepoOrThrow } from "./resolve-repo";

export interface ResolvedRunRepo {
  /** What runs.repo stores: the name, or the real path. */
  repo: string;
  baseCommit: string;
  /** The worker tag the run's steps require ("repo:<name>"); null for a path. */
  tag: string | null;
}

export async function resolveRunRepoOrThrow(repo: string, baseRef = "HEAD", sharing?: GitSharing): Promise<ResolvedRunRepo> {
  if (typeof repo === "string" && isRepoName(repo)) {
    const settings = sharing ?? gitSharingFromEnvOrThrow();
    const entry = settings.repos.get(repo);
    if (!entry) {
      const known = [...settings.repos.keys()].filter(isRepoName);
      throw new GitError(
        "repo_not_mapped",
        `repo: "${repo}" is neither an absolute path nor a repository name in BATON_REPO_MAP (${known.length > 0 ? `known: ${known.join(", ")}` : "none is set"})`,
        "repo",
      );
    }
    const resolved = await resolveRepoOrThrow(entry.path, baseRef);
    return { repo, baseCommit: resolved.baseCommit, tag: repoTag(repo) };
  }
  const resolved = await resolveRepoOrThrow(repo, baseRef);
  return { ...resolved, tag: null };
}

/** The tag for a stored runs.repo value (a whole re-run keeps the original's repo). */
export function runRepoTag(repo: string | null): string | null {
  return repo !== null && isRepoName(repo) ? repoTag(repo) : null;
}
