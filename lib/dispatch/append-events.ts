/**
 * append-events: batch-insert a running step's events into step_events.
 *
 * Invariants:
 * - Fenced: rows are inserted only while the step is "running" at the fence the writer's
 *   claim returned; a worker that lost its lease appends nothing (0 rows, no error).
 * - Order is kept: rows are inserted in array order, so their bigserial ids (the SSE event
 *   ids) follow emission order within a batch, and batches are appended one at a time per
 *   step by the worker.
 * - NOTIFY on the run-events channel (payload = run id only) in the same statement, so a
 *   listener is woken exactly when the rows are visible.
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { RUN_EVENTS_CHANNEL, type StepEventInput } from "../engine/contract";

export async function appendEvents(
  db: Executor,
  input: { stepId: string; fence: number; events: readonly StepEventInput[] },
): Promise<number> {
  if (input.events.length === 0) return 0;
  const inserted = await rows<{ n: number }>(
    db,
    sql`
      with appended as (
        insert into step_events (run_id, step_id, attempt, type, data)
        select s.run_id, s.id, s.attempt, e.value->>'type', e.value->'data'
        from steps s,
             jsonb_array_elements(${JSON.stringify(input.events)}::jsonb) with ordinality as e(value, position)
        where s.id = ${input.stepId} and s.fence = ${input.fence} and s.state = 'running'
        order by e.position
        returning run_id
      )
      select count(*)::int as n, pg_notify(${RUN_EVENTS_CHANNEL}, min(run_id)) from appended having count(*) > 0
    `,
  );
  return inserted[0]?.n ?? 0;
}
