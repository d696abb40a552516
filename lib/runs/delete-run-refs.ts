/**
 * "Delete this run's refs": removes a finished run's attempt refs (`refs/baton/<run>/*` in its
 * repository), its worktrees (kept ones included) and its scratch directories. Its commits are
 * then reachable only from branches a person made from them, and go with the repository's
 * next gc otherwise — so re-running its steps, checking them out as a branch and taking its
 * result are refused from then on (409 with the date, refs-deleted.ts; the run page disables them).
 *
 * Refused (409) while the run has not ended or a step of it is still running (a canceled run
 * whose agents are stopping): those steps still write to the worktrees and refs.
 * The run's record and history stay, marked `refs_deleted_at`: its result is then no longer
 * offered (lib/results/run-result.ts). Deleting again finds nothing and says so.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { deleteRefs, runsWithRefs } from "../git/attempt-refs";
import { refSegment, worktreesRoot } from "../git/ref-names";
import { cleanupRunWorktrees } from "../git/remove-worktree";
import { HttpError, notFound } from "../http/errors";
import { pathExists } from "../path-exists";
import { scratchRoot } from "../engine/run-cleanup";
import { markRefsDeleted } from "../engine/ref-retention";

const TERMINAL = ["succeeded", "failed", "canceled"];

export interface DeletedRunRefs {
  runId: string;
  repo: string | null;
  /** The refs deleted (full names). */
  refs: string[];
  /** Worktree directories removed. */
  worktrees: string[];
  /** Why the refs could not be looked at (the repository is gone), else null. */
  repoNote: string | null;
}

export async function deleteRunRefsOrThrow(db: Executor, dataDir: string, runId: string): Promise<DeletedRunRefs> {
  const [run] = await rows<{ status: string; repo: string | null; running: number }>(
    db,
    sql`select status, repo, (select count(*)::int from steps where run_id = ${runId} and state = 'running') as running
        from runs where id = ${runId}`,
  );
  if (!run) throw notFound(`run ${runId}`);
  if (!TERMINAL.includes(run.status)) {
    throw new HttpError("conflict", `run ${runId} is ${run.status}: its refs and worktrees are in use — cancel it or wait for it to end, then delete them`);
  }
  if (run.running > 0) {
    throw new HttpError("conflict", `run ${runId} is ${run.status} but ${run.running} of its steps ${run.running === 1 ? "is" : "are"} still stopping: try again when ${run.running === 1 ? "it has" : "they have"} ended`);
  }
  let refs: string[] = [];
  let repoNote: string | null = null;
  if (run.repo && (await pathExists(run.repo))) {
    refs = (await runsWithRefs(run.repo)).get(refSegment(runId)) ?? [];
    await deleteRefs(run.repo, refs);
  } else if (run.repo) {
    repoNote = `the repository ${run.repo} no longer exists`;
  }
  const { removed } = await cleanupRunWorktrees(worktreesRoot(dataDir), runId);
  await fs.rm(path.join(scratchRoot(dataDir), runId), { recursive: true, force: true });
  await markRefsDeleted(db, runId);
  return { runId, repo: run.repo, refs, worktrees: removed, repoNote };
}
