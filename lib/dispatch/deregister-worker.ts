/**
 * deregister-worker: mark a worker row stopped on graceful shutdown.
 *
 * Invariant: only `stopped_at` changes; the row stays for history. Leases the worker still
 * held are not touched here (release-steps returns them first, the rescuer catches the rest).
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";

export async function deregisterWorker(db: Executor, workerId: string): Promise<void> {
  await rows(db, sql`update workers set stopped_at = now() where id = ${workerId}`);
}
