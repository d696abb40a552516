/**
 * release-steps: graceful shutdown hands running steps back without consuming an attempt.
 *
 * Invariants:
 * - Fenced: a step is released only while it is still "running" at the fence this worker's
 *   claim returned (a lost lease is not ours to release).
 * - `attempt` is decremented, undoing the claim's increment (claim-steps' attempt rule), so
 *   the next claim reuses the same attempt number; nothing is archived for it. `fence` is
 *   not decremented: fences only grow, so the releasing worker stays fenced out.
 * - Released steps are NOTIFYed in the same statement, so another worker picks them up
 *   at once rather than at its next poll.
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { RUN_EVENTS_CHANNEL, STEP_READY_CHANNEL } from "../engine/contract";
import type { HeldLease } from "./heartbeat";

export async function releaseSteps(db: Executor, workerId: string, held: readonly HeldLease[]): Promise<string[]> {
  if (held.length === 0) return [];
  const released = await rows<{ id: string }>(
    db,
    sql`
      with released as (
        update steps s
        set state = 'ready',
            attempt = s.attempt - 1,
            ready_at = now(),
            started_at = null,
            lease_owner = null,
            lease_expires_at = null,
            updated_at = now()
        from jsonb_to_recordset(${JSON.stringify(held)}::jsonb) as h(id text, fence bigint)
        where s.id = h.id and s.fence = h.fence and s.state = 'running' and s.lease_owner = ${workerId}
        returning s.id, s.run_id, s.attempt
      ),
      announced as (
        insert into step_events (run_id, step_id, attempt, type, data)
        select run_id, id, attempt, 'step-state', jsonb_build_object('state', 'ready', 'reason', 'worker-release')
        from released
        returning pg_notify(${RUN_EVENTS_CHANNEL}, run_id)
      )
      select id, pg_notify(${STEP_READY_CHANNEL}, id) from released
    `,
  );
  return released.map((r) => r.id);
}
