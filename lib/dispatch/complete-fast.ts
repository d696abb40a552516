/**
 * complete-fast: one completion and its run's advance in ONE statement (one round trip, one
 * commit), when the engine could decide the advance beforehand (Engine.predictAdvance).
 *
 * The statement does what complete-step's transaction does — fenced update, archive,
 * events, run lock and version bump, usage — plus the predicted transitions of pending steps,
 * the run's status, and the hand-off claim of readied steps for this worker; all of it only
 * if the run is still at the version the prediction rests on (`gate`). Otherwise nothing is
 * written and the caller takes the transactional path (completeSteps).
 *
 * Invariants:
 * - Lock order as in complete-step: the step row, then the run row.
 * - Pending steps change only under their run's lock, so a run still at the expected
 *   version has exactly the pending steps the prediction saw: every predicted transition
 *   applies (the statement reports how many did, and a shortfall is treated as stale).
 * - A step claimed here follows claim-steps' rules (fence + 1, attempt + 1, lease, a
 *   "running" event) and is not NOTIFYed; readied steps left for others are.
 * - Eligible outcomes are the ones whose written state is the outcome's own (succeeded,
 *   canceled, a failure that is not retried); a retry or a wait goes the transactional way.
 */
import { sql } from "drizzle-orm";
import { compiled } from "../db/compiled";
import type { Db } from "../db/client";
import type { StepState } from "../db/schema";
import { STEP_READY_CHANNEL, type ClaimedStep, type Engine } from "../engine/contract";
import { bumpRunsSql, completionCtes, completionRow, outcomeColumns, type CompleteStepInput, type CompleteStepResult, type HandOff } from "./completion-sql";
import { leaseExpiresAt, runningEventData } from "./claim-steps";
import { toProfileRow, toStepRow } from "./step-row";

interface FastValues extends Record<string, unknown> {
  completion: string;
  runId: string;
  version: number;
  transitions: string;
  worker: string;
  leaseMs: number;
  tags: string;
  hasRun: boolean;
  status: string | null;
  error: string | null;
  finished: boolean;
}

interface FastRow {
  gated: number;
  completed: number;
  moved: number;
  version: number | string | null;
  /** Columns of a step claimed here (null when none was). */
  id: string | null;
  prefetched_profile: Record<string, unknown> | null;
  [column: string]: unknown;
}

/** The statement, rendered once (compiled.ts); its values are named in FastValues. */
const FAST = compiled<FastValues>(
  (p) => sql`
      with ${completionCtes(p.completion, {
        cte: sql`gate as (
          select r.id from runs r
          where r.id = ${p.runId} and r.version = ${p.version}::bigint and exists (select 1 from locked)
          for update
        )`,
        condition: sql`exists (select 1 from gate)`,
      })},
      predicted as (
        select * from jsonb_to_recordset(${p.transitions}::jsonb)
          as t(id text, state text, error text, retryable boolean, claim boolean)
      ),
      -- A handed-off step is taken only if this worker may serve it.
      t as (
        select pr.id, pr.state, pr.error, pr.retryable, pr.claim and s.required_tags <@ ${p.tags}::jsonb as take
        from predicted pr join steps s on s.id = pr.id
        where s.id = any(array(select pr2.id from predicted pr2))
      ),
      moved as (
        update steps s set
          state = case when t.take then 'running' else t.state end,
          error = coalesce(t.error, s.error),
          ready_at = case when t.state = 'ready' then now() else s.ready_at end,
          finished_at = case when t.state = 'ready' then s.finished_at else now() end,
          detail = case when t.retryable is not null then s.detail || jsonb_build_object('retryable', t.retryable) else s.detail end,
          lease_owner = case when t.take then ${p.worker}::text end,
          lease_expires_at = case when t.take then ${leaseExpiresAt(p.leaseMs)} end,
          fence = s.fence + case when t.take then 1 else 0 end,
          attempt = s.attempt + case when t.take then 1 else 0 end,
          started_at = case when t.take then now() else s.started_at end,
          updated_at = now()
        from t
        where s.id = any(array(select t2.id from t t2)) and s.id = t.id and s.run_id = ${p.runId}
          and s.state = 'pending' and exists (select 1 from ended)
        returning s.*, t.state as target
      ),
      moved_events as (
        insert into step_events (run_id, step_id, attempt, type, data)
        select m.run_id, m.id, e.attempt, 'step-state', e.data
        from moved m cross join lateral (
          select 0 as position, m.attempt - (case when m.state = 'running' then 1 else 0 end) as attempt,
                 jsonb_strip_nulls(jsonb_build_object('state', m.target, 'from', 'pending', 'error', m.error)) as data
          union all
          select 1, m.attempt, ${runningEventData(sql`m.attempt`, p.worker)}
          where m.state = 'running'
        ) e
        -- After the completion's own events (counting them runs that insert to its end): the
        -- timeline reads "c1 succeeded" before "c2 ready".
        where (select count(*) from announced) >= 0
        order by m.id, e.position
        returning id
      ),
      run_row as (${bumpRunsSql(
        sql`r.id = ${p.runId} and exists (select 1 from ended)`,
        sql`status = coalesce(${p.status}::text, r.status),
          error = case when ${p.hasRun}::boolean then ${p.error}::text else r.error end,
          finished_at = case
            when not ${p.hasRun}::boolean then r.finished_at
            when ${p.finished}::boolean then coalesce(r.finished_at, now())
            else null end,`,
      )}
        returning r.id, r.version, r.status, r.error, r.finished_at
      ),
      run_event as (
        insert into step_events (run_id, step_id, attempt, type, data)
        select id, null, 0, 'run-state',
               jsonb_strip_nulls(jsonb_build_object('status', status, 'error', error, 'finished', finished_at is not null))
        from run_row where ${p.hasRun}::boolean and (select count(*) from moved_events) >= 0
      ),
      summary as (
        select (select count(*) from gate)::int as gated,
               (select count(*) from ended)::int as completed,
               (select count(*) from moved)::int as moved,
               (select version from run_row) as version,
               (select count(*) from (select pg_notify(${STEP_READY_CHANNEL}, m.id) from moved m where m.state = 'ready') n) as notified
      )
      select summary.*, c.*
      from summary left join lateral (
        select m.*, (select to_jsonb(p) from agent_profiles p where p.id = m.spec->>'profile') as prefetched_profile
        from moved m where m.state = 'running'
      ) c on true
    `,
);

/** Null: not written (not eligible, no prediction, or the run changed): use completeSteps. */
export async function completeFast(
  db: Db,
  engine: Engine,
  input: CompleteStepInput & { runId: string },
  handOff?: HandOff,
): Promise<CompleteStepResult | null> {
  const { outcome } = input;
  const eligible = outcome.state === "succeeded" || outcome.state === "canceled" || (outcome.state === "failed" && !outcome.retryable);
  if (!eligible || input.grantAttempt || !engine.predictAdvance) return null;
  const columns = outcomeColumns(outcome);
  const prediction = engine.predictAdvance(input.runId, {
    id: input.stepId,
    state: columns.state as StepState,
    error: columns.error === null ? null : columns.error.slice(0, 500),
  });
  if (!prediction) return null;

  const ready = prediction.transitions.filter((t) => t.state === "ready").map((t) => t.id);
  const take = handOff && ready.length > 0 ? handOff.capacity(ready.length) : 0;
  const claiming = new Set(ready.slice(0, take));
  const transitions = prediction.transitions.map((t) => ({ ...t, claim: claiming.has(t.id) }));
  const run = prediction.run;
  const result = await FAST.rows<FastRow>(db, {
    completion: JSON.stringify([completionRow(input, 0)]),
    runId: input.runId,
    version: prediction.expectedVersion,
    transitions: JSON.stringify(transitions),
    worker: handOff?.workerId ?? input.workerId,
    leaseMs: handOff?.leaseMs ?? 0,
    tags: JSON.stringify(handOff?.tags ?? []),
    hasRun: run !== null,
    status: run?.status ?? null,
    error: run?.error ?? null,
    finished: run?.finished ?? false,
  });
  const [first] = result;
  if (first.gated === 0) {
    // The run moved on without this process (or the lease was lost): nothing was written.
    prediction.onStale();
    return null;
  }
  if (first.completed === 0) return { completed: false, readyStepIds: [] };
  if (first.moved === transitions.length) prediction.onCommit(Number(first.version));
  else prediction.onStale();
  const claimed: ClaimedStep[] = result
    .filter((row) => row.id !== null)
    .map((row) => ({ ...toStepRow(row), prefetchedProfile: row.prefetched_profile ? toProfileRow(row.prefetched_profile) : null }));
  if (claimed.length > 0) handOff!.claimed(claimed);
  const held = new Set(claimed.map((s) => s.id));
  return {
    completed: true,
    state: columns.state,
    readyStepIds: ready.filter((id) => !held.has(id)),
    ...(prediction.ended ? { endedRunId: input.runId } : {}),
  };
}
