/**
 * notify-ready: announce steps that became ready, inside the transaction that readied them.
 *
 * Invariant: called in the same transaction as the state change, so Postgres delivers the
 * notifications only if (and when) that change commits; a listener woken by one always
 * finds the step ready (or already claimed by a faster worker). Payload = step id only.
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { STEP_READY_CHANNEL } from "../engine/contract";

export async function notifyReady(tx: Executor, stepIds: readonly string[]): Promise<void> {
  if (stepIds.length === 0) return;
  await rows(
    tx,
    sql`select pg_notify(${STEP_READY_CHANNEL}, id) from jsonb_array_elements_text(${JSON.stringify(stepIds)}::jsonb) as t(id)`,
  );
}
