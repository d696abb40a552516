/**
 * Merging commits without a working tree: `git merge-tree --write-tree` computes the merged
 * tree in the object store and `git commit-tree` records it. No checkout, no index, no
 * worktree of anyone's is touched, so a result can be computed (or a merge into the user's
 * branch prepared) whatever state the user's checkout is in.
 *
 * Merge commits are deterministic: the fixed Baton identity and, as their date, the newest
 * committer date of their parents. The same inputs always give the same commit id, so
 * computing a run's result twice names the same commit and a reader can cache by id.
 */
import { GitError, MergeConflictError } from "./errors";
import { runGitOrThrow } from "./run-git";

export type OffTreeMerge =
  | { ok: true; commit: string }
  | { ok: false; conflict: MergeConflictError };

/** `ancestor` is `descendant` or one of its ancestors. */
export async function isAncestor(repo: string, ancestor: string, descendant: string): Promise<boolean> {
  if (ancestor === descendant) return true;
  const result = await runGitOrThrow(["merge-base", "--is-ancestor", ancestor, descendant], { cwd: repo, allowExitCodes: [1] });
  return result.exitCode === 0;
}

/** Merges `commit` into `into`: the merged tree, or the conflicting paths (sorted, unique). */
export async function mergeTreeOf(repo: string, into: string, commit: string): Promise<{ tree: string } | { paths: string[] }> {
  const result = await runGitOrThrow(["merge-tree", "--write-tree", "-z", "--name-only", "--no-messages", into, commit], {
    cwd: repo,
    allowExitCodes: [1],
  });
  const [tree, ...rest] = result.stdout.split("\0").filter((part) => part !== "");
  if (!tree || !/^[0-9a-f]{40,64}$/.test(tree)) throw new GitError("git_failed", `git merge-tree ${into} ${commit} printed no tree`);
  if (result.exitCode === 0) return { tree };
  return { paths: [...new Set(rest)].sort() };
}

/** Records `tree` as a commit with `parents`, dated by its newest parent (see the header). */
export async function commitTreeOrThrow(repo: string, tree: string, parents: string[], message: string): Promise<string> {
  const dates = await runGitOrThrow(["show", "-s", "--format=%ct", ...parents], { cwd: repo });
  const newest = Math.max(...dates.stdout.trim().split("\n").map(Number));
  const date = `@${newest} +0000`;
  const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-m", message];
  const result = await runGitOrThrow(args, { cwd: repo, env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
  return result.stdout.trim();
}

/**
 * Merges `commits` in order, each into the result of the ones before: an ancestor of the
 * result so far is already in it, a descendant fast-forwards, anything else is a merge
 * commit. The first conflict stops the fold and is returned with its paths.
 */
export async function mergeCommitsOffTree(
  repo: string,
  commits: readonly string[],
  message: (into: string, commit: string) => string,
): Promise<OffTreeMerge> {
  if (commits.length === 0) throw new GitError("invalid_argument", "nothing to merge");
  let result = commits[0];
  const merged = [result];
  for (const commit of commits.slice(1)) {
    if (await isAncestor(repo, commit, result)) continue;
    if (await isAncestor(repo, result, commit)) {
      result = commit;
    } else {
      const tree = await mergeTreeOf(repo, result, commit);
      if ("paths" in tree) return { ok: false, conflict: new MergeConflictError([...merged], commit, tree.paths) };
      result = await commitTreeOrThrow(repo, tree.tree, [result, commit], message(result, commit));
    }
    merged.push(commit);
  }
  return { ok: true, commit: result };
}
