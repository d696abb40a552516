/**
 * "Check out as a branch": makes a branch in the run's repository at a step attempt's result
 * commit, on request. Attempts themselves only have refs under refs/baton/ (ref-names.ts), so
 * the user's branch list grows only by the branches people ask for.
 *
 * The commit comes from the database (the attempt's recorded result, or a failed attempt's
 * detail.resultCommit), not from the attempt ref; the commit must still be in the repository.
 * Once the run's refs were deleted (by hand or by the retention period) it is refused with that
 * reason (409, refs-deleted.ts), even while git still has the commit: nothing keeps it any more.
 * Never touches a worktree or HEAD.
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { BranchExistsError, createBranchOrThrow } from "../git/attempt-refs";
import { runGitOrThrow } from "../git/run-git";
import { HttpError, notFound } from "../http/errors";
import { refsDeletedRefusal } from "./refs-deleted";

export interface CheckoutBranchInput {
  name: string;
  /** Which attempt's result; default the step's current attempt. */
  attempt?: number;
}

export interface CheckedOutBranch {
  branch: string;
  commit: string;
  repo: string;
}

export async function checkoutStepBranchOrThrow(
  db: Executor,
  runId: string,
  stepIdOrKey: string,
  input: CheckoutBranchInput,
): Promise<CheckedOutBranch> {
  const [step] = await rows<{ id: string; key: string; attempt: number; result_commit: string | null; detail: unknown; repo: string | null; refs_deleted_at: Date | string | null }>(
    db,
    sql`select s.id, s.key, s.attempt, s.result_commit, s.detail, r.repo, r.refs_deleted_at
        from steps s join runs r on r.id = s.run_id
        where s.run_id = ${runId} and (s.id = ${stepIdOrKey} or s.key = ${stepIdOrKey})
        order by (s.id = ${stepIdOrKey}) desc limit 1`,
  );
  if (!step) {
    const [run] = await rows<{ id: string }>(db, sql`select id from runs where id = ${runId}`);
    throw notFound(run ? `step "${stepIdOrKey}" in run "${runId}"` : `run "${runId}"`);
  }
  if (!step.repo) throw new HttpError("conflict", `run "${runId}" has no repository, so its steps have no commits`);
  // Even while the commit is still in the repository (until its next gc): the run gave it up.
  const refsDeleted = refsDeletedRefusal({ repo: step.repo, refsDeletedAt: step.refs_deleted_at === null ? null : new Date(step.refs_deleted_at).toISOString() }, "branch");
  if (refsDeleted) throw new HttpError("conflict", refsDeleted);
  const attempt = input.attempt ?? step.attempt;
  let commit: string | null;
  if (attempt === step.attempt) commit = resultOf(step.result_commit, step.detail);
  else {
    const [archived] = await rows<{ result_commit: string | null; detail: unknown }>(
      db,
      sql`select result_commit, detail from step_attempts where step_id = ${step.id} and attempt = ${attempt}`,
    );
    if (!archived) throw new HttpError("validation_failed", `attempt: step "${step.key}" has no attempt ${attempt}`, [{ path: "attempt", message: `no attempt ${attempt}` }]);
    commit = resultOf(archived.result_commit, archived.detail);
  }
  if (!commit) throw new HttpError("conflict", `step "${step.key}" attempt ${attempt} has no result commit`);
  const present = await runGitOrThrow(["cat-file", "-e", `${commit}^{commit}`], { cwd: step.repo, allowExitCodes: [1, 128] });
  if (present.exitCode !== 0) throw new HttpError("conflict", `commit ${commit.slice(0, 12)} is no longer in ${step.repo}`);
  try {
    await createBranchOrThrow(step.repo, input.name, commit);
  } catch (error) {
    if (error instanceof BranchExistsError) {
      throw new HttpError("conflict", `name: ${error.message}`, [{ path: "name", message: error.message }]);
    }
    throw error;
  }
  return { branch: input.name, commit, repo: step.repo };
}

const json = (value: unknown): Record<string, unknown> =>
  (typeof value === "string" ? JSON.parse(value) : (value ?? {})) as Record<string, unknown>;

/** A failed attempt keeps its result commit in detail (code-workspace.ts withChanges). */
function resultOf(resultCommit: string | null, detail: unknown): string | null {
  if (resultCommit) return resultCommit;
  const fromDetail = json(detail).resultCommit;
  return typeof fromDetail === "string" && /^[0-9a-f]{40,64}$/.test(fromDetail) ? fromDetail : null;
}
