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
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { rows, type Orm } from "../db/client";
import type { StepState } from "../db/schema";
import {
  RUN_EVENTS_CHANNEL,
  type Advance,
  type ClaimedStep,
  type Engine,
  type LockedRunInfo,
  type StepEventInput,
  type StepOutcome,
} from "../engine/contract";
import { addUsage, sumUsage } from "../engine/usage-sql";
import { notifyReady } from "./notify-ready";
import { claimSteps } from "./claim-steps";

export interface CompleteStepInput {
  stepId: string;
  /** The step's run, when the caller knows it (lets a single completion take complete-fast's path). */
  runId?: string;
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
  /** The rendered prompt when it was not written yet (see EventBuffer): stored with the outcome. */
  prompt?: string;
}

export const MAX_GRANTED_ATTEMPT = 20;

export interface CompleteStepResult {
  /** False when the lease was lost: nothing was written. */
  completed: boolean;
  /** The state the row now has ("ready" when a retry was scheduled). */
  state?: string;
  readyStepIds: string[];
  /** Set when this completion ended its run: the engine's onRunEnded is due after commit. */
  endedRunId?: string;
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
      return {
        ...base,
        output: outcome.output ?? null,
        usage: outcome.usage ?? {},
        error: "canceled",
        detail: outcome.detail ?? {},
        startCommit: outcome.startCommit ?? null,
        resultCommit: outcome.resultCommit ?? null,
        branch: outcome.branch ?? null,
        worktree: outcome.worktree ?? null,
        diff: outcome.diff ?? null,
        diffStats: outcome.diffStats ?? null,
      };
    case "waiting":
      return { ...base, detail: outcome.detail ?? {} };
  }
}

/** One completion: see completeSteps. */
export async function completeStep(db: Orm, engine: Engine, input: CompleteStepInput): Promise<CompleteStepResult> {
  const [result] = await completeSteps(db, engine, [input]);
  return result;
}

/** Pure: the recordset row of one completion (column names as the statement declares them). */
export function completionRow(input: CompleteStepInput, position: number) {
  const c = outcomeColumns(input.outcome);
  // Granting only makes sense for a retryable failure, and never past the cap.
  const grantRequested = Boolean(input.grantAttempt) && c.state === "failed" && c.retryable;
  return {
    position,
    id: input.stepId,
    fence: input.fence,
    worker_id: input.workerId,
    state: c.state,
    retryable: c.retryable,
    grant_requested: grantRequested,
    output: c.output,
    output_truncated: c.outputTruncated,
    summary: c.summary,
    error: c.error,
    usage: c.usage,
    detail: c.detail,
    start_commit: c.startCommit,
    branch: c.branch,
    worktree: c.worktree,
    result_commit: c.resultCommit,
    diff: c.diff,
    diff_stats: c.diffStats,
    winner: c.winner,
    prompt: input.prompt ?? null,
    events: input.events ?? [],
  };
}

/**
 * CTEs `v` (the completions' recordset: JSON text of completionRow rows), `locked` (their running rows, locked in id order),
 * `ended` (the fenced update), `archived` (the attempts, RETURNING run_id and usage) and
 * `announced` (their last events and final "step-state" event, NOTIFYing the run id).
 * `gate`: a CTE placed after `locked` whose condition must hold for anything to be written.
 */
export function completionCtes(recordset: string | SQLWrapper, gate?: { cte: SQL; condition: SQL }): SQL {
  return sql`
    v as (
          select * from jsonb_to_recordset(${recordset}::jsonb) as v(
            position int, id text, fence bigint, worker_id text, state text, retryable boolean,
            grant_requested boolean, output text, output_truncated boolean, summary text, error text,
            usage jsonb, detail jsonb, start_commit text, branch text, worktree text, result_commit text,
            diff text, diff_stats jsonb, winner text, prompt text, events jsonb)
        ),
        -- = any(array(...)) keeps these lookups index scans whatever the table's size (a join
        -- with the recordset is planned for ~100 rows and may hash-join over a full scan).
        locked as (
          select s.id from steps s
          where s.id = any(array(select v.id from v)) and s.state = 'running'
          order by s.id
          for update
        ),
        ${gate ? sql`${gate.cte},` : sql``}
        ended as (
          update steps s
          set max_attempts = case when (v.grant_requested and s.attempt < ${MAX_GRANTED_ATTEMPT}::int) then greatest(s.max_attempts, s.attempt + 1) else s.max_attempts end,
              state = case
                when v.state = 'failed' and v.retryable
                     and (s.attempt < s.max_attempts or (v.grant_requested and s.attempt < ${MAX_GRANTED_ATTEMPT}::int)) then 'ready'
                else v.state
              end,
              ready_at = case
                when v.state = 'failed' and v.retryable
                     and (s.attempt < s.max_attempts or (v.grant_requested and s.attempt < ${MAX_GRANTED_ATTEMPT}::int)) then now()
                else s.ready_at
              end,
              finished_at = case when v.state = 'waiting' then null else now() end,
              lease_owner = null,
              lease_expires_at = null,
              prompt = coalesce(v.prompt, s.prompt),
              output = v.output,
              output_truncated = v.output_truncated,
              summary = v.summary,
              error = v.error,
              usage = v.usage,
              detail = v.detail,
              start_commit = coalesce(v.start_commit, s.start_commit),
              branch = coalesce(v.branch, s.branch),
              worktree = coalesce(v.worktree, s.worktree),
              result_commit = v.result_commit,
              diff = v.diff,
              diff_stats = v.diff_stats,
              winner = v.winner,
              updated_at = now()
          from v
          where s.id = any(array(select l.id from locked l)) and v.id = s.id and s.fence = v.fence and s.state = 'running'
            and ${gate ? gate.condition : sql`true`}
          returning s.*, v.state as outcome, v.worker_id as ended_by, v.events as last_events, v.position
        ),
        archived as (
          insert into step_attempts (step_id, attempt, run_id, state, worker_id, prompt, output,
            output_truncated, error, detail, branch, start_commit, result_commit, diff, diff_stats,
            usage, started_at, finished_at)
          select id, attempt, run_id, outcome, ended_by, prompt, output,
            output_truncated, error, detail, branch, start_commit, result_commit, diff, diff_stats,
            usage, started_at, now()
          from ended
          where outcome <> 'waiting'
          on conflict (step_id, attempt) do nothing
          returning run_id, usage
        ),
        announced as (
          insert into step_events (run_id, step_id, attempt, type, data)
          select ended.run_id, ended.id, ended.attempt, e.type,
                 coalesce(e.data, jsonb_strip_nulls(jsonb_build_object(
                   'state', ended.state, 'attempt', ended.attempt, 'error', ended.error, 'winner', ended.winner)))
          from ended cross join lateral (
            select x.value->>'type' as type, x.value->'data' as data, x.position
            from jsonb_array_elements(ended.last_events) with ordinality as x(value, position)
            union all
            select 'step-state', null::jsonb, 9223372036854775807
          ) e
          order by ended.position, e.position
          returning pg_notify(${RUN_EVENTS_CHANNEL}, run_id)
        )
  `;
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
        bumped as (
          update runs r
          set version = r.version + 1,
              usage = ${addUsage(sql`r.usage`, sql`(select ${sumUsage(sql`a.usage`)} from archived a where a.run_id = r.id)`)},
              updated_at = now()
          where r.id = any(array(select id from locked_runs))
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

/**
 * A completing worker's offer to take the steps its completion readies, claimed in the same
 * transaction: the next step of a chain starts without a NOTIFY, a wake and a claim of its
 * own. Other workers cannot take them meanwhile (the readying update holds their row locks
 * until the commit; claims skip locked rows) and find them running afterwards.
 */
export interface HandOff {
  workerId: string;
  tags: readonly string[];
  leaseMs: number;
  /** Inside the transaction, once `ready` steps are known: how many the worker takes (reserving its slots). */
  capacity(ready: number): number;
  /** After the commit: the steps claimed for the worker. Not called when nothing was claimed or on rollback. */
  claimed(steps: ClaimedStep[]): void;
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
