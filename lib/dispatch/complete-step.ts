/**
 * complete-step: record how claimed attempts ended and advance their runs, atomically.
 * A worker completes several attempts in one transaction when they finish together
 * (completion-batcher.ts); everything below holds for each attempt of the batch.
 *
 * In ONE transaction:
 *   1. fenced update of the step row to the outcome — `WHERE fence = <claim's fence> AND
 *      state = 'running'`; 0 rows means the lease was lost (rescued, re-claimed, or the run
 *      was canceled under us): nothing is written and `completed: false` is returned;
 *   2. the attempt is archived into step_attempts (its usage added to the run's total), its
 *      last buffered events and a "step-state" event are appended, and the run row is
 *      locked and its version bumped (same statement as 1, so all of it happens iff the
 *      update did);
 *   3. `engine.advanceRuns(tx, runIds)` (else advanceRun per run, in run id order) applies
 *      the reducer (dependents → ready, skips, run status) inside the same transaction,
 *      told each run's new version and the steps this completion changed; an Advance's
 *      `onCommit` runs once the transaction committed;
 *   4. pg_notify(STEP_READY_CHANNEL, id) for every step that became ready (the engine's
 *      advance sends those it readied; this sends the retries it readied itself) and
 *      RUN_EVENTS_CHANNEL (run id) — delivered by Postgres only when the transaction commits,
 *      so a woken worker always finds the row ready.
 * Invariant: a step's completion and the promotion of its dependents commit together;
 * a crash between them is impossible, a crash before commit leaves the step "running"
 * with a lease the rescuer will expire.
 *
 * Retries: a failed outcome with `retryable: true` while `attempt < max_attempts` is
 * archived as "failed" but the row goes back to "ready" (its id is NOTIFYed) for another
 * claim, which makes it the next attempt (see claim-steps for the attempt rule).
 * A "waiting" outcome (approval, manual select) parks the step without archiving: the
 * attempt is archived by whoever ends the wait.
 */
import { sql } from "drizzle-orm";
import { rows, type Orm } from "../db/client";
import type { StepState } from "../db/schema";
import type { Advance, ClaimedStep, Engine, LockedRunInfo } from "../engine/contract";
import { notifyReady } from "./notify-ready";
import { claimSteps } from "./claim-steps";
import {
  bumpRunsSql,
  completionCtes,
  completionRow,
  type CompleteStepInput,
  type CompleteStepResult,
  type HandOff,
} from "./completion-sql";

export { MAX_GRANTED_ATTEMPT, outcomeColumns, type CompleteStepInput, type CompleteStepResult, type HandOff } from "./completion-sql";

/** One completion: see completeSteps. */
export async function completeStep(db: Orm, engine: Engine, input: CompleteStepInput): Promise<CompleteStepResult> {
  const [result] = await completeSteps(db, engine, [input]);
  return result;
}

/**
 * Several completions in ONE transaction (a worker's slots finishing together share one
 * commit): one set-based fenced update (+ archive + events) for all of them, the engine's
 * advance once per touched run (in run id order, so two workers' batches lock runs in the
 * same order), one NOTIFY statement. Results are in input order; a fenced-out input gets
 * `completed: false` and changes nothing, whatever the others do.
 */
export async function completeSteps(
  db: Orm,
  engine: Engine,
  inputs: readonly CompleteStepInput[],
  handOff?: HandOff,
): Promise<CompleteStepResult[]> {
  if (inputs.length === 0) return [];
  let handed: ClaimedStep[] = [];
  // Rows are locked in step id order: a concurrent heartbeat renewing the same leases locks
  // them in the same order, so the two never deadlock.
  const recordset = inputs.map(completionRow).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const { results, advances } = await db.transaction(async (tx) => {
    const updated = await rows<ChangedRow>(
      tx,
      sql`
        with ${completionCtes(JSON.stringify(recordset))},
        -- The runs are locked here, in id order, after the steps (as every completion does), so
        -- the engine's advance only reads them, with a snapshot taken after the locks. Each
        -- locked run's version is bumped (the engine knows whether anyone else changed the run
        -- since it last wrote it) and the archived attempts' usage is added to its total.
        locked_runs as (
          select r.id from runs r where r.id = any(array(select run_id from ended)) order by r.id for update
        ),
        bumped as (${bumpRunsSql(sql`r.id = any(array(select id from locked_runs))`)}
          returning r.id, r.version
        )
        select e.id, e.run_id, e.state, left(e.error, 500) as error, e.attempt, e.max_attempts, e.cancel_requested,
               b.version as run_version
        from ended e left join bumped b on b.id = e.run_id
      `,
    );
    const byId = new Map(updated.map((row) => [row.id, row]));
    const runIds = [...new Set(updated.map((row) => row.run_id))].sort();
    let advances = new Map<string, Advance>();
    if (engine.advanceRuns && runIds.length > 0) {
      advances = await engine.advanceRuns(tx, runIds, { alreadyLocked: true, locked: lockedRuns(updated) });
    } else for (const runId of runIds) advances.set(runId, await engine.advanceRun(tx, runId));
    const results = inputs.map((input): CompleteStepResult => {
      const row = byId.get(input.stepId);
      if (!row) return { completed: false, readyStepIds: [] };
      return { completed: true, state: row.state, readyStepIds: row.state === "ready" ? [row.id] : [] };
    });
    // A run's advance is reported once, with the first completion of that run.
    const reported = new Set<string>();
    for (const [index, input] of inputs.entries()) {
      const row = byId.get(input.stepId);
      const advance = row && !reported.has(row.run_id) ? advances.get(row.run_id) : undefined;
      if (!row || !advance) continue;
      reported.add(row.run_id);
      results[index].readyStepIds.push(...advance.readyStepIds);
      if (advance.ended) results[index].endedRunId = row.run_id;
    }
    // Steps the engine readied were NOTIFYed by its advance; a retry readied here is ours.
    const retries = updated.filter((row) => row.state === "ready").map((row) => row.id);
    await notifyReady(tx, retries);
    const readied = [...retries, ...results.flatMap((r) => r.readyStepIds)];
    const take = handOff && readied.length > 0 ? handOff.capacity(readied.length) : 0;
    if (handOff && take > 0) {
      handed = await claimSteps(tx, { workerId: handOff.workerId, tags: handOff.tags, leaseMs: handOff.leaseMs, limit: take, only: readied });
    }
    return { results, advances };
  });
  for (const advance of advances.values()) advance.onCommit?.();
  if (handed.length > 0) handOff!.claimed(handed);
  return results;
}

interface ChangedRow {
  id: string;
  run_id: string;
  state: StepState;
  error: string | null;
  attempt: number;
  max_attempts: number;
  cancel_requested: boolean;
  run_version: number | string | null;
}

/** Pure: per run, its version after this transaction's lock and the steps the completion changed. */
function lockedRuns(changed: readonly ChangedRow[]): Map<string, LockedRunInfo> {
  const out = new Map<string, LockedRunInfo>();
  for (const row of changed) {
    if (row.run_version === null) continue;
    const info = out.get(row.run_id) ?? { version: Number(row.run_version), changed: [] };
    info.changed.push({
      id: row.id,
      state: row.state,
      error: row.error,
      attempt: Number(row.attempt),
      maxAttempts: Number(row.max_attempts),
      cancelRequested: Boolean(row.cancel_requested),
    });
    out.set(row.run_id, info);
  }
  return out;
}
