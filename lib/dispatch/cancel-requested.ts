/**
 * cancel-requested: was cancellation of this attempt requested? Asked only when an attempt
 * failed without the worker having aborted it: an agent often fails *because* of the cancel
 * (its run was canceled, its endpoint cut) before the next heartbeat delivers the request,
 * and such a failure is recorded as the cancel it is.
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";

export async function cancelRequested(db: Executor, stepId: string, fence: number): Promise<boolean> {
  const [row] = await rows<{ cancel_requested: boolean }>(
    db,
    sql`select cancel_requested from steps where id = ${stepId} and fence = ${fence} and state = 'running'`,
  );
  return Boolean(row?.cancel_requested);
}
