/**
 * What happens to attempt refs (`refs/baton/<run>/<key>-<attempt>`, ref-names.ts) after a run:
 * a person can make a branch at an attempt's result commit, and runs past the retention
 * period lose their refs (their commits then go with the repository's next gc, unless a
 * branch or another ref still reaches them).
 */
import { branchNameProblem } from "./branch-name";
import { GitError } from "./errors";
import { ATTEMPT_REF_NAMESPACE } from "./ref-names";
import { runGitOrThrow } from "./run-git";

export class BranchExistsError extends GitError {
  constructor(
    readonly branch: string,
    /** The existing branch in the way: the same name, or one nesting with it (`a` vs `a/b`). */
    readonly existing: string,
  ) {
    super(
      "invalid_argument",
      existing === branch ? `a branch named "${branch}" already exists` : `branch "${branch}" cannot be created: the branch "${existing}" exists`,
    );
    this.name = "BranchExistsError";
  }
}

/**
 * Creates `refs/heads/<name>` at `commit`, only if no such branch exists (an empty old value
 * makes update-ref refuse atomically, even against a concurrent creator). A name clashing
 * with an existing branch as a directory (`a` exists, `a/b` asked, or the reverse) is an
 * existing branch too. Never touches any worktree or the user's HEAD.
 */
export async function createBranchOrThrow(repo: string, name: string, commit: string): Promise<void> {
  const problem = branchNameProblem(name);
  if (problem) throw new GitError("invalid_argument", `branch name ${problem}`);
  const created = await runGitOrThrow(
    ["update-ref", "-m", "Baton: check out a step's result", `refs/heads/${name}`, commit, ""],
    { cwd: repo, allowExitCodes: [128] },
  );
  if (created.exitCode === 0) return;
  const stderr = created.stderr.trim();
  if (/reference already exists/.test(stderr)) throw new BranchExistsError(name, name);
  const nesting = /'refs\/heads\/([^']+)' exists; cannot create/.exec(stderr);
  if (nesting) throw new BranchExistsError(name, nesting[1]);
  throw new GitError("git_failed", `creating branch ${name} failed: ${stderr}`);
}

/** Run segments (refSegment(runId)) that have attempt refs in `repo`. */
export async function runsWithRefs(repo: string): Promise<Map<string, string[]>> {
  const listed = await runGitOrThrow(["for-each-ref", "--format=%(refname)", ATTEMPT_REF_NAMESPACE], { cwd: repo });
  const byRun = new Map<string, string[]>();
  for (const ref of listed.stdout.split("\n")) {
    if (!ref.startsWith(ATTEMPT_REF_NAMESPACE)) continue;
    const segment = ref.slice(ATTEMPT_REF_NAMESPACE.length).split("/")[0];
    byRun.set(segment, [...(byRun.get(segment) ?? []), ref]);
  }
  return byRun;
}

/** Deletes the given refs in one transaction (`update-ref --stdin`); missing ones are fine. */
export async function deleteRefs(repo: string, refs: string[]): Promise<void> {
  if (refs.length === 0) return;
  for (const ref of refs) {
    if (!ref.startsWith(ATTEMPT_REF_NAMESPACE) || /[\s\x00-\x1f]/.test(ref)) {
      throw new GitError("invalid_argument", `refusing to delete ${JSON.stringify(ref)}: not an attempt ref`);
    }
  }
  // Batches keep each git call's argv small; `update-ref -d` per ref would be a process each.
  for (let i = 0; i < refs.length; i += 500) {
    const batch = refs.slice(i, i + 500);
    await runGitOrThrow(["update-ref", "--stdin", "-z"], { cwd: repo, stdin: batch.map((ref) => `delete ${ref}\0\0`).join("") });
  }
}
