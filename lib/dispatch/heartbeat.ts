/**
 * heartbeat: renew the leases this worker still holds and mark the worker alive.
 *
 * Invariants:
 * - A lease is renewed only while the step is still "running", owned by this worker and
 *   at the fence the worker's claim returned. A step missing from `renewed` has been lost
 *   (rescued after expiry, re-claimed, or finished elsewhere): the worker must abort it
 *   and write nothing more for it.
 * - `cancelRequested` lists held steps whose cancellation was requested (the Run API sets
 *   `cancel_requested`); the worker aborts them and completes them as "canceled".
 * - The worker row is upserted, so a row removed by an operator (or never written because
 *   the database was unreachable at start) comes back with the next beat.
 * - `orphaned` lists steps leased to this worker that it does not hold, claimed more than
 *   `orphanAfterMs` ago: a claim whose commit succeeded but whose reply never arrived (the
 *   connection dropped at that moment). The worker releases them (release-steps), so they
 *   run again without spending an attempt instead of expiring as a failed attempt.
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import type { WorkerInfo } from "./register-worker";

export interface HeldLease {
  id: string;
  fence: number;
}

export interface HeartbeatInput {
  worker: WorkerInfo;
  held: readonly HeldLease[];
  leaseMs: number;
  /** A leased step this worker does not hold is orphaned once claimed this long ago. */
  orphanAfterMs: number;
}

export interface HeartbeatResult {
  renewed: string[];
  cancelRequested: string[];
  lost: string[];
  orphaned: HeldLease[];
}

export async function heartbeat(db: Executor, input: HeartbeatInput): Promise<HeartbeatResult> {
  const { worker } = input;
  const result = await rows<{ id: string; cancel_requested: boolean; fence: number | string; held: boolean }>(
    db,
    sql`
      with beat as (
        insert into workers (id, host, pid, tags, concurrency, mode, heartbeat_at)
        values (${worker.id}, ${worker.host}, ${worker.pid}, ${JSON.stringify(worker.tags)}::jsonb,
                ${worker.concurrency}, ${worker.mode}, now())
        on conflict (id) do update set heartbeat_at = now(), stopped_at = null
      ),
      renewed as (
        update steps s
        set lease_expires_at = now() + ${input.leaseMs}::int * interval '1 millisecond'
        from jsonb_to_recordset(${JSON.stringify(input.held)}::jsonb) as h(id text, fence bigint)
        -- = any(array(...)): an index lookup per held step, never a scan of the table
        where s.id = any(array(select h2.id from jsonb_to_recordset(${JSON.stringify(input.held)}::jsonb) as h2(id text)))
          and s.id = h.id and s.fence = h.fence and s.state = 'running' and s.lease_owner = ${worker.id}
        returning s.id, s.cancel_requested, s.fence
      )
      select id, cancel_requested, fence, true as held from renewed
      union all
      -- Running steps are few (partial index on state = 'running'), so this scan is small.
      select s.id, false, s.fence, false from steps s
      where s.state = 'running' and s.lease_owner = ${worker.id}
        and not (s.id = any(array(select h3.id from jsonb_to_recordset(${JSON.stringify(input.held)}::jsonb) as h3(id text))))
        and s.started_at < now() - ${input.orphanAfterMs}::int * interval '1 millisecond'
    `,
  );
  const renewed = new Set(result.filter((r) => r.held).map((r) => r.id));
  return {
    renewed: [...renewed],
    cancelRequested: result.filter((r) => r.held && r.cancel_requested).map((r) => r.id),
    lost: input.held.filter((h) => !renewed.has(h.id)).map((h) => h.id),
    orphaned: result.filter((r) => !r.held).map((r) => ({ id: r.id, fence: Number(r.fence) })),
  };
}
