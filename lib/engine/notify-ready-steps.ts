/**
 * NOTIFY "a step became ready" (payload = step id only), inside the transaction that made it
 * ready, so a woken worker always finds the committed row. Used by run creation and the
 * people-driven actions (approve, select, re-run); the dispatcher notifies for its own
 * completions.
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { STEP_READY_CHANNEL } from "./contract";

export async function notifyReadySteps(tx: Executor, stepIds: readonly string[]): Promise<void> {
  if (stepIds.length === 0) return;
  await rows(
    tx,
    sql`select pg_notify(${STEP_READY_CHANNEL}, id) from jsonb_array_elements_text(${JSON.stringify(stepIds)}::jsonb) as t(id)`,
  );
}
