/**
 * rescue-expired: return steps whose lease expired (their worker died, hung, or lost the
 * database) to "ready", or end them when no attempt remains.
 *
 * A lost lease is the infrastructure's failure, not the step's: a worker SIGKILLed, OOM-killed
 * or cut off from the database says nothing about the task. So a lost lease does NOT spend
 * the node's retry budget (`retries` defaults to 0: one crashed worker must not fail a
 * default run). It is counted separately in `lease_losses`, and the first LEASE_LOSS_LIMIT
 * losses each give back the claim they cost (max_attempts + 1). Past the limit — a task that
 * keeps killing its worker — a loss spends the retry budget like any failure, and the step
 * fails once that is gone.
 *
 * In ONE transaction:
 * - expired running rows are locked with SKIP LOCKED, so two rescuers (every worker
 *   process runs one) never rescue the same row twice and never wait on each other;
 * - a step whose cancellation was requested → "canceled"; else "ready" while a loss is
 *   forgiven or an attempt remains (attempt untouched: the next claim makes it the next
 *   attempt, see claim-steps); else "failed" with "worker lost N times";
 * - the lost attempt is archived (state "failed", error "worker lost", detail.workerLost
 *   naming the worker and which loss this was, from 1) so history and the timeline show it as such, and a
 *   "step-state" event is appended;
 * - `fence` is NOT bumped here: the next claim bumps it, and the lost worker is already
 *   fenced out because every write it makes requires state = 'running' at its fence;
 * - for each run with a step that ended (failed/canceled) `engine.advanceRun` runs in the
 *   same transaction, and every step that became ready (rescued ones included) is NOTIFYed.
 */
import { sql } from "drizzle-orm";
import { rows, type Orm } from "../db/client";
import { RUN_EVENTS_CHANNEL, type Engine } from "../engine/contract";
import { archiveAttemptsSql } from "../engine/archive-attempts-sql";
import { notifyReady } from "./notify-ready";

/** Lost leases a step is retried after without spending its retry budget (see the header). */
export const LEASE_LOSS_LIMIT = 3;

export interface RescueResult {
  /** Steps returned to "ready". */
  retried: string[];
  /** Steps ended because no attempt remained (or cancellation was requested). */
  ended: string[];
}

export async function rescueExpired(db: Orm, engine: Engine, limit = 100): Promise<RescueResult> {
  return db.transaction(async (tx) => {
    const rescued = await rows<{ id: string; run_id: string; state: string }>(
      tx,
      sql`
        with expired as (
          select id, lease_owner
          from steps
          where state = 'running' and lease_expires_at < now()
          order by lease_expires_at
          limit ${limit}
          for update skip locked
        ),
        rescued as (
          update steps s
          set state = case
                when s.cancel_requested then 'canceled'
                when s.lease_losses < ${LEASE_LOSS_LIMIT}::int or s.attempt < s.max_attempts then 'ready'
                else 'failed'
              end,
              max_attempts = case
                when not s.cancel_requested and s.lease_losses < ${LEASE_LOSS_LIMIT}::int then s.max_attempts + 1
                else s.max_attempts
              end,
              lease_losses = s.lease_losses + 1,
              ready_at = case
                when not s.cancel_requested and (s.lease_losses < ${LEASE_LOSS_LIMIT}::int or s.attempt < s.max_attempts) then now()
                else s.ready_at
              end,
              finished_at = case
                when s.cancel_requested or (s.lease_losses >= ${LEASE_LOSS_LIMIT}::int and s.attempt >= s.max_attempts) then now()
                else null
              end,
              error = case
                when s.cancel_requested then 'canceled'
                when s.lease_losses < ${LEASE_LOSS_LIMIT}::int or s.attempt < s.max_attempts then null
                else 'worker lost ' || (s.lease_losses + 1) || ' times (its lease expired: the worker died, stalled or lost the database); no attempt left after ' || s.attempt
              end,
              lease_owner = null,
              lease_expires_at = null,
              updated_at = now()
          from expired e
          where s.id = e.id
          returning s.*, e.lease_owner as expired_owner
        ),
        archived as (${archiveAttemptsSql(sql`rescued`, {
          state: sql`case when cancel_requested then 'canceled' else 'failed' end`,
          worker_id: sql`expired_owner`,
          error: sql`'worker lost: the lease of ' || coalesce(expired_owner, 'its worker') || ' expired'`,
          detail: sql`detail || jsonb_build_object('workerLost', jsonb_build_object('worker', expired_owner, 'leaseLosses', lease_losses))`,
          // A lost attempt produced no result the step row could hold.
          result_commit: sql`null`,
          diff: sql`null`,
          diff_stats: sql`null`,
          // What the lost attempt used is unknown (its worker is gone): nothing is added to the
          // run's usage, and the archive says so rather than repeating a stale figure.
          usage: sql`'{}'::jsonb`,
          finished_at: sql`now()`,
        })}),
        announced as (
          insert into step_events (run_id, step_id, attempt, type, data)
          select run_id, id, attempt, 'step-state',
                 jsonb_build_object('state', state, 'attempt', attempt, 'reason', 'lease-expire', 'workerLost', expired_owner)
          from rescued
          returning pg_notify(${RUN_EVENTS_CHANNEL}, run_id)
        )
        select id, run_id, state from rescued
      `,
    );
    const retried = rescued.filter((r) => r.state === "ready").map((r) => r.id);
    const ended = rescued.filter((r) => r.state !== "ready");
    // The engine NOTIFYs the steps its advance readied; the retried ones are ours to announce.
    for (const runId of new Set(ended.map((r) => r.run_id))) await engine.advanceRun(tx, runId);
    await notifyReady(tx, retried);
    return { retried, ended: ended.map((r) => r.id) };
  });
}
