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
 * - `prompt` (the attempt's rendered prompt, buffered by the worker) is stored on the step
 *   under the same fence; with no events it is the statement's only write.
 * Returns whether the step is still this writer's (`owned`: false = fenced out, nothing
 * written) and how many events were appended.
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { RUN_EVENTS_CHANNEL, type StepEventInput } from "../engine/contract";

export async function appendEvents(
  db: Executor,
  input: { stepId: string; fence: number; events: readonly StepEventInput[]; prompt?: string | null },
): Promise<{ owned: boolean; appended: number }> {
  const prompt = input.prompt ?? null;
  if (input.events.length === 0 && prompt === null) return { owned: true, appended: 0 };
  const result = await rows<{ owned: boolean; appended: number }>(
    db,
    sql`
      with owner as (
        select s.id, s.run_id, s.attempt from steps s
        where s.id = ${input.stepId} and s.fence = ${input.fence} and s.state = 'running'
      ),
      prompted as (
        update steps s set prompt = ${prompt}, updated_at = now()
        from owner where s.id = owner.id and ${prompt}::text is not null
      ),
      appended as (
        insert into step_events (run_id, step_id, attempt, type, data)
        select owner.run_id, owner.id, owner.attempt, e.value->>'type', e.value->'data'
        from owner,
             jsonb_array_elements(${JSON.stringify(input.events)}::jsonb) with ordinality as e(value, position)
        order by e.position
        returning run_id
      ),
      notified as (
        select count(*)::int as n, pg_notify(${RUN_EVENTS_CHANNEL}, min(run_id)) from appended having count(*) > 0
      )
      select exists (select 1 from owner) as owned, coalesce((select n from notified), 0) as appended
    `,
  );
  return { owned: Boolean(result[0]?.owned), appended: Number(result[0]?.appended ?? 0) };
}
