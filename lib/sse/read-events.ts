/**
 * read-events: the next page of a run's step_events after a given id, the first id below a
 * bound that is not visible yet, and the run's progress.
 *
 * Why gaps matter: bigserial ids are handed out at INSERT but become visible at COMMIT, so two
 * writers (two arena contestants appending at once) can commit id 12 before id 11. A reader
 * that sent 12 and moved its cursor past it would never send 11. Ids are global across runs,
 * so "every id between the cursor and this row is visible (in any run)" proves nothing lower
 * can still appear; a missing id is either in flight (it will commit in a moment) or was
 * rolled back (it never will: the stream stops waiting for it after a bound).
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import type { RunEvent, RunStatus } from "../contract/run";

/** An event as stored and as sent: the wire contract's RunEvent (lib/contract/run.ts). */
export type StoredEvent = RunEvent;

interface RawEvent {
  id: number | string;
  step_id: string | null;
  attempt: number;
  type: string;
  data: unknown;
  created_at: Date | string;
}

export interface EventPage {
  /** Null when there is no such run (then there are no events either). */
  progress: { status: RunStatus; stepsRunning: boolean } | null;
  events: StoredEvent[];
  /**
   * The lowest id between the cursor (or `gapWindow` below the page) and the page's last row
   * that is not visible in step_events (any run); null when there is none.
   */
  gap: number | null;
}

interface RawPageRow extends Partial<RawEvent> {
  status: RunStatus;
  running: boolean;
  gap: number | string | null;
}

/**
 * One statement, so the run's progress, the page and the gap check see one snapshot: checked
 * separately, an id could commit between two reads and look present to the gap check yet be
 * absent from the page, and a run seen "over" could have final events the page predates.
 * The gap scan is an index-only range scan; streams read often, so the range is short.
 */
export async function readEventsAfter(db: Executor, runId: string, afterId: number, limit: number, gapWindow: number): Promise<EventPage> {
  const found = await rows<RawPageRow>(
    db,
    sql`
      with progress as (
        select r.status, exists (select 1 from steps s where s.run_id = r.id and s.state = 'running') as running
        from runs r where r.id = ${runId}
      ),
      page as (
        select e.id, e.step_id, e.attempt, e.type, e.data, e.created_at
        from step_events e
        where e.run_id = ${runId} and e.id > ${afterId}
        order by e.id
        limit ${limit}
      ),
      bounds as (
        select greatest(${afterId}::bigint, min(id) - 1 - ${gapWindow}::bigint) as lo, max(id) as hi from page
      ),
      gap as (
        select min(ids.expected) as gap
        from (
          select s.id, b.lo + row_number() over (order by s.id) as expected
          from step_events s, bounds b
          where s.id > b.lo and s.id <= b.hi
        ) ids
        where ids.id <> ids.expected
      )
      select progress.status, progress.running, (select gap from gap) as gap, page.*
      from progress left join page on true
      order by page.id
    `,
  );
  const gap = found[0]?.gap;
  return {
    progress: found[0] ? { status: found[0].status, stepsRunning: found[0].running === true } : null,
    events: found.filter((row) => row.id !== null && row.id !== undefined).map((row) => ({
      id: Number(row.id),
      runId,
      stepId: row.step_id ?? null,
      attempt: Number(row.attempt),
      type: String(row.type),
      data: toRecord(row.data),
      createdAt: new Date(row.created_at ?? 0).toISOString(),
    })),
    gap: gap === null || gap === undefined ? null : Number(gap),
  };
}

function toRecord(value: unknown): Record<string, unknown> {
  const parsed = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

/** The run's status, or null when there is no such run. */
export async function readRunStatus(db: Executor, runId: string): Promise<RunStatus | null> {
  return (await readRunProgress(db, runId))?.status ?? null;
}

/**
 * The run's status and whether any step still runs. A run turns terminal (canceled, failed)
 * before its running steps have stopped, and those steps still emit events, so a stream
 * is over only when the run is terminal AND nothing of it runs any more.
 */
export async function readRunProgress(db: Executor, runId: string): Promise<{ status: RunStatus; stepsRunning: boolean } | null> {
  const found = await rows<{ status: RunStatus; running: boolean }>(
    db,
    sql`select r.status, exists (select 1 from steps s where s.run_id = r.id and s.state = 'running') as running
        from runs r where r.id = ${runId}`,
  );
  return found[0] ? { status: found[0].status, stepsRunning: found[0].running === true } : null;
}
