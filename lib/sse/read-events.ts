/**
 * read-events: the next page of a run's step_events after a given id, and the run's status.
 *
 * Why the `settled` flag: bigserial ids are handed out at INSERT but become visible at
 * COMMIT, so two writers (say two arena contestants appending at once) can commit id 12
 * before id 11. A reader that saw 12 and moved its cursor past it would never send 11.
 * A row is settled when the transaction that wrote it is older than every transaction still
 * in progress (its xmin precedes the snapshot's xmin): no in-flight transaction can then hold
 * a lower id. The stream sends only the settled prefix of a page and re-reads shortly for the
 * rest. `age()` compares the 32-bit xids modulo wraparound; frozen rows are always settled.
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import type { RunStatus } from "../db/schema";

export interface StoredEvent {
  id: number;
  runId: string;
  stepId: string | null;
  attempt: number;
  type: string;
  data: Record<string, unknown>;
  createdAt: string;
  settled: boolean;
}

interface RawEvent {
  id: number | string;
  step_id: string | null;
  attempt: number;
  type: string;
  data: unknown;
  created_at: Date | string;
  settled: boolean;
}

export async function readEventsAfter(db: Executor, runId: string, afterId: number, limit: number): Promise<StoredEvent[]> {
  const found = await rows<RawEvent>(
    db,
    sql`
      select e.id, e.step_id, e.attempt, e.type, e.data, e.created_at,
             age(e.xmin) > age(pg_snapshot_xmin(pg_current_snapshot())::xid) as settled
      from step_events e
      where e.run_id = ${runId} and e.id > ${afterId}
      order by e.id
      limit ${limit}
    `,
  );
  return found.map((row) => ({
    id: Number(row.id),
    runId,
    stepId: row.step_id,
    attempt: Number(row.attempt),
    type: row.type,
    data: toRecord(row.data),
    createdAt: new Date(row.created_at).toISOString(),
    settled: row.settled === true,
  }));
}

function toRecord(value: unknown): Record<string, unknown> {
  const parsed = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

/** The run's status, or null when there is no such run. */
export async function readRunStatus(db: Executor, runId: string): Promise<RunStatus | null> {
  const found = await rows<{ status: RunStatus }>(db, sql`select status from runs where id = ${runId}`);
  return found[0]?.status ?? null;
}
