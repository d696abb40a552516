/**
 * Repositories named by MCP tool arguments (run_flow's `repo`, create_agent's `cwd`) are
 * confined here before any run exists: absolute, existing, a git work tree's top level,
 * inside BATON_REPO_ROOTS when set (symlinks and `..` resolved first). A model's arguments
 * are untrusted input like any request body. The run is given the real path.
 */
import { resolveRunRepoOrThrow } from "../git/run-repo";

/** A repository name from BATON_REPO_MAP is accepted too (and kept as the name). */
export async function confinedRepoOrThrow(repo: string | undefined, baseRef?: string): Promise<string | undefined> {
  if (repo === undefined) return undefined;
  return (await resolveRunRepoOrThrow(repo, baseRef)).repo;
}
