/**
 * A worker's startup check of its repository map: every clone must be what a run's repo must
 * be (absolute, existing, the top level of a non-bare work tree with a commit, inside
 * BATON_REPO_ROOTS when set), and a lineage remote given by name must be configured in it.
 * A bad entry would fail every step routed to this worker, so the worker refuses to start,
 * naming the entry.
 */
import { GitError } from "./errors";
import { checkRemoteConfiguredOrThrow } from "./remote";
import type { GitSharing } from "./repo-map";
import { resolveRepoOrThrow } from "./resolve-repo";

export async function checkClonesOrThrow(sharing: GitSharing): Promise<void> {
  for (const [key, entry] of sharing.repos) {
    try {
      await resolveRepoOrThrow(entry.path, "HEAD");
      const remote = entry.remote ?? sharing.remote;
      if (remote) await checkRemoteConfiguredOrThrow(entry.path, remote);
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/^repo: /, "").replace(/^baseRef: /, "") : String(error);
      throw new GitError("repo_map_invalid", `BATON_REPO_MAP: entry "${key}": ${reason}`);
    }
  }
}
