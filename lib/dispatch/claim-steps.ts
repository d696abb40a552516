/**
 * claim-steps: hand up to `limit` ready steps to one worker.
 *
 * Invariants:
 * - A step is handed to at most one claimer per ready→running transition: the candidate
 *   rows are row-locked (FOR UPDATE) before the UPDATE flips them to "running", and a
 *   concurrent claimer SKIPs LOCKED rows instead of waiting on them.
 * - Every claim increments `fence`. The returned row carries the new value; every later
 *   write by this worker (heartbeat, events, completion, release) is conditioned on
 *   `fence = <that value>`, so a worker whose lease was rescued and re-claimed by another
 *   can no longer write anything.
 * - ATTEMPT RULE: `attempt` is incremented here, at claim time, and nowhere else in the
 *   dispatcher: attempt N is the Nth claim of the step. Consequences:
 *     · the rescuer returns an expired step to "ready" WITHOUT touching `attempt`; the next
 *       claim makes it attempt+1;
 *     · an engine re-run puts a step back to "ready" WITHOUT touching `attempt`; the claim
 *       makes it a new attempt (so attempts 1 and 2 are both recorded in step_attempts);
 *     · a graceful release (release-steps) decrements `attempt`, so a step interrupted by a
 *       shutdown does not consume one.
 *   `attempt < max_attempts` therefore means "another claim is allowed".
 * - A worker only gets steps whose `required_tags` are a subset of its tags (jsonb `<@`;
 *   an empty requirement matches every worker).
 * - The state change is announced in the same statement: a "step-state" event row and a
 *   NOTIFY on the run-events channel (payload = run id) commit with the claim.
 *
 * Why SKIP LOCKED: with plain FOR UPDATE, N workers polling at once would all queue on the
 * same oldest ready row and then re-check it after the first commits, serialising the
 * queue; without row locks two claimers could both read the row as ready. SKIP LOCKED
 * lets each claimer take the next unlocked ready rows immediately, so claims scale with
 * workers and never double-hand a step. The price is that ordering is only approximately
 * `ready_at` order under contention, which is fine: ready steps are independent by
 * definition (the engine only readies a step once its dependencies are done).
 *
 * The claimed row carries the agent profile its spec names (`prefetchedProfile`, null when
 * there is none), read in the same statement: the engine would otherwise read it first
 * thing, one round trip per step.
 *
 * The output/error/summary/usage of a previous attempt are cleared (the row holds the *current*
 * attempt; earlier ones live in step_attempts); git fields are kept because a re-run
 * starts from the recorded start commit.
 */
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import type { ClaimedStep } from "../engine/contract";
import { RUN_EVENTS_CHANNEL } from "../engine/contract";
import { toProfileRow, toStepRow } from "./step-row";

/**
 * A claim's lease end and its "step-state" event: the claim rule's parts that complete-fast's
 * hand-off (a claim inside a completion statement) writes too, taken from here.
 */
export const leaseExpiresAt = (leaseMs: SQLWrapper | number) => sql`now() + ${leaseMs}::int * interval '1 millisecond'`;
export const runningEventData = (attempt: SQL, workerId: SQLWrapper | string) =>
  sql`jsonb_build_object('state', 'running', 'attempt', ${attempt}, 'workerId', ${workerId}::text)`;

export interface ClaimStepsInput {
  workerId: string;
  /** The worker's tags; a step is claimable when its required_tags ⊆ these. */
  tags: readonly string[];
  limit: number;
  leaseMs: number;
  /** Claim only among these steps (a completion handing the steps it readied to its worker). */
  only?: readonly string[];
}

export async function claimSteps(db: Executor, input: ClaimStepsInput): Promise<ClaimedStep[]> {
  if (input.limit <= 0) return [];
  const result = await rows<Record<string, unknown>>(
    db,
    sql`
      with candidates as (
        select id
        from steps
        where state = 'ready' and required_tags <@ ${JSON.stringify(input.tags)}::jsonb
          ${input.only ? sql`and id = any(array(select jsonb_array_elements_text(${JSON.stringify(input.only)}::jsonb)))` : sql``}
        order by ready_at
        limit ${input.limit}
        for update skip locked
      ),
      claimed as (
        update steps s
        set state = 'running',
            lease_owner = ${input.workerId},
            lease_expires_at = ${leaseExpiresAt(input.leaseMs)},
            fence = s.fence + 1,
            attempt = s.attempt + 1,
            started_at = now(),
            finished_at = null,
            output = null,
            output_truncated = false,
            summary = null,
            error = null,
            winner = null,
            usage = '{}'::jsonb,
            -- The previous attempt's results are history (step_attempts): a reload of a
            -- retrying step must not show them as this attempt's (its completion sets them).
            diff = null,
            diff_stats = null,
            result_commit = null,
            updated_at = now()
        from candidates c
        where s.id = c.id
        returning s.*, (select to_jsonb(p) from agent_profiles p where p.id = s.spec->>'profile') as prefetched_profile
      ),
      announced as (
        insert into step_events (run_id, step_id, attempt, type, data)
        select run_id, id, attempt, 'step-state',
               ${runningEventData(sql`attempt`, input.workerId)}
        from claimed
        returning pg_notify(${RUN_EVENTS_CHANNEL}, run_id)
      )
      select * from claimed
    `,
  );
  return result.map((raw) => ({
    ...toStepRow(raw),
    prefetchedProfile: raw.prefetched_profile ? toProfileRow(raw.prefetched_profile as Record<string, unknown>) : null,
  }));
}
