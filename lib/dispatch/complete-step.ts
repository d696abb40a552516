/**
 * complete-step: record how a claimed attempt ended and advance its run, atomically.
 *
 * In ONE transaction:
 *   1. fenced update of the step row to the outcome — `WHERE fence = <claim's fence> AND
 *      state = 'running'`; 0 rows means the lease was lost (rescued, re-claimed, or the run
 *      was canceled under us): nothing is written and `completed: false` is returned;
 *   2. the attempt is archived into step_attempts, its last buffered events and a
 *      "step-state" event are appended (same statement as 1, so they exist iff the update
 *      happened);
 *   3. `engine.advanceRun(tx, runId)` applies the reducer (dependents → ready, skips, run
 *      status) inside the same transaction;
 *   4. pg_notify(STEP_READY_CHANNEL, id) for every step that became ready (and
 *      RUN_EVENTS_CHANNEL, run id) — delivered by Postgres only when the transaction commits,
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
import { RUN_EVENTS_CHANNEL, type Engine, type StepEventInput, type StepOutcome } from "../engine/contract";
import { notifyReady } from "./notify-ready";

export interface CompleteStepInput {
  stepId: string;
  /** The fence the claim returned. */
  fence: number;
  workerId: string;
  outcome: StepOutcome;
  /**
   * Infrastructure failure (the database went away while the step ran): the attempt is
   * archived as failed but does not spend the node's retry budget — max_attempts is raised
   * so one more claim is allowed (capped at MAX_GRANTED_ATTEMPT so a persistent fault ends).
   */
  grantAttempt?: boolean;
  /**
   * The attempt's last unwritten events: inserted in the same statement, before the final
   * "step-state" event, and only if the fenced update happened (one round trip fewer per
   * step than a separate append, and no window where the state is final but events lag).
   */
  events?: readonly StepEventInput[];
}

export const MAX_GRANTED_ATTEMPT = 20;

export interface CompleteStepResult {
  /** False when the lease was lost: nothing was written. */
  completed: boolean;
  /** The state the row now has ("ready" when a retry was scheduled). */
  state?: string;
  readyStepIds: string[];
}

interface OutcomeColumns {
  state: string;
  retryable: boolean;
  output: string | null;
  outputTruncated: boolean;
  summary: string | null;
  error: string | null;
  usage: unknown;
  detail: unknown;
  startCommit: string | null;
  resultCommit: string | null;
  branch: string | null;
  worktree: string | null;
  diff: string | null;
  diffStats: unknown;
  winner: string | null;
}

/** Pure: flattens the tagged outcome into the columns the update writes. */
export function outcomeColumns(outcome: StepOutcome): OutcomeColumns {
  const base: OutcomeColumns = {
    state: outcome.state,
    retryable: false,
    output: null,
    outputTruncated: false,
    summary: null,
    error: null,
    usage: {},
    detail: {},
    startCommit: null,
    resultCommit: null,
    branch: null,
    worktree: null,
    diff: null,
    diffStats: null,
    winner: null,
  };
  switch (outcome.state) {
    case "succeeded":
      return {
        ...base,
        output: outcome.output,
        outputTruncated: outcome.outputTruncated ?? false,
        summary: outcome.summary ?? null,
        usage: outcome.usage ?? {},
        detail: outcome.detail ?? {},
        startCommit: outcome.startCommit ?? null,
        resultCommit: outcome.resultCommit ?? null,
        branch: outcome.branch ?? null,
        worktree: outcome.worktree ?? null,
        diff: outcome.diff ?? null,
        diffStats: outcome.diffStats ?? null,
        winner: outcome.winner ?? null,
      };
    case "failed":
      return {
        ...base,
        retryable: outcome.retryable,
        error: outcome.error,
        output: outcome.output ?? null,
        usage: outcome.usage ?? {},
        detail: outcome.detail ?? {},
        startCommit: outcome.startCommit ?? null,
        branch: outcome.branch ?? null,
        worktree: outcome.worktree ?? null,
      };
    case "canceled":
      return { ...base, output: outcome.output ?? null, usage: outcome.usage ?? {}, error: "canceled" };
    case "waiting":
      return { ...base, detail: outcome.detail ?? {} };
  }
}

export async function completeStep(db: Orm, engine: Engine, input: CompleteStepInput): Promise<CompleteStepResult> {
  const c = outcomeColumns(input.outcome);
  // Granting only makes sense for a retryable failure, and never past the cap.
  const grantRequested = Boolean(input.grantAttempt) && c.state === "failed" && c.retryable;
  return db.transaction(async (tx) => {
    const updated = await rows<{ id: string; run_id: string; state: string }>(
      tx,
      sql`
        with ended as (
          update steps s
          set max_attempts = case when (${grantRequested}::boolean and s.attempt < ${MAX_GRANTED_ATTEMPT}::int) then greatest(s.max_attempts, s.attempt + 1) else s.max_attempts end,
              state = case
                when ${c.state}::text = 'failed' and ${c.retryable}::boolean
                     and (s.attempt < s.max_attempts or (${grantRequested}::boolean and s.attempt < ${MAX_GRANTED_ATTEMPT}::int)) then 'ready'
                else ${c.state}::text
              end,
              ready_at = case
                when ${c.state}::text = 'failed' and ${c.retryable}::boolean
                     and (s.attempt < s.max_attempts or (${grantRequested}::boolean and s.attempt < ${MAX_GRANTED_ATTEMPT}::int)) then now()
                else s.ready_at
              end,
              finished_at = case when ${c.state}::text = 'waiting' then null else now() end,
              lease_owner = null,
              lease_expires_at = null,
              output = ${c.output},
              output_truncated = ${c.outputTruncated},
              summary = ${c.summary},
              error = ${c.error},
              usage = ${JSON.stringify(c.usage)}::jsonb,
              detail = ${JSON.stringify(c.detail)}::jsonb,
              start_commit = coalesce(${c.startCommit}::text, s.start_commit),
              branch = coalesce(${c.branch}::text, s.branch),
              worktree = coalesce(${c.worktree}::text, s.worktree),
              result_commit = ${c.resultCommit},
              diff = ${c.diff},
              diff_stats = ${c.diffStats === null ? null : JSON.stringify(c.diffStats)}::jsonb,
              winner = ${c.winner},
              updated_at = now()
          where s.id = ${input.stepId} and s.fence = ${input.fence} and s.state = 'running'
          returning s.*
        ),
        archived as (
          insert into step_attempts (step_id, attempt, run_id, state, worker_id, prompt, output,
            output_truncated, error, detail, branch, start_commit, result_commit, diff, diff_stats,
            usage, started_at, finished_at)
          select id, attempt, run_id, ${c.state}::text, ${input.workerId}::text, prompt, output,
            output_truncated, error, detail, branch, start_commit, result_commit, diff, diff_stats,
            usage, started_at, now()
          from ended
          where ${c.state}::text <> 'waiting'
          on conflict (step_id, attempt) do nothing
        ),
        announced as (
          insert into step_events (run_id, step_id, attempt, type, data)
          select ended.run_id, ended.id, ended.attempt, e.type,
                 coalesce(e.data, jsonb_strip_nulls(jsonb_build_object(
                   'state', ended.state, 'attempt', ended.attempt, 'error', ended.error)))
          from ended cross join (
            select x.value->>'type' as type, x.value->'data' as data, x.position
            from jsonb_array_elements(${JSON.stringify(input.events ?? [])}::jsonb) with ordinality as x(value, position)
            union all
            select 'step-state', null::jsonb, 9223372036854775807
          ) e
          order by e.position
          returning pg_notify(${RUN_EVENTS_CHANNEL}, run_id)
        )
        select id, run_id, state from ended
      `,
    );
    const row = updated[0];
    if (!row) return { completed: false, readyStepIds: [] };
    const advanced = await engine.advanceRun(tx, row.run_id);
    const readyStepIds = row.state === "ready" ? [row.id, ...advanced.readyStepIds] : advanced.readyStepIds;
    await notifyReady(tx, readyStepIds);
    return { completed: true, state: row.state, readyStepIds };
  });
}
