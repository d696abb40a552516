/**
 * The server's run log: one line when a run starts and one when it ends, on the server's
 * console, so whoever started Baton sees what it is doing without opening the UI.
 *
 *   [baton] run r_8f2… started: Example v1 (ui) — /runs/r_8f2…
 *   [baton] run r_8f2… succeeded in 14.2 s: Example v1
 *   [baton] run r_9a0… failed in 3.1 s: Example v1 — step "plan" failed: …
 *
 * How: every change of a run's status is a "run-state" event in step_events (the run's
 * creation writes the first one) followed by a NOTIFY on the run-events channel. The log
 * subscribes to that channel and, per burst of notifications, reads the run-state events after
 * its cursor — one indexed query for any number of runs and events, nothing added to the
 * engine's transactions. Runs started by any process on the same database are logged, and a
 * notification lost during a reconnect is caught up by the next one (the cursor, not the
 * notification, says what is new).
 *
 * Invariants: at most one read in flight (a burst during a read costs one more read, not one
 * each); history from before the log started is never printed; a failing read is reported
 * once per failure streak and never stops the log.
 */
import { sql } from "drizzle-orm";
import { rows, type Db } from "../db/client";
import { subscribe } from "../db/notify";
import { RUN_EVENTS_CHANNEL } from "../engine/contract";

export interface RunStateRow {
  id: number;
  run_id: string;
  /** {status, finished, error?} as the engine wrote it. */
  data: { status?: string; finished?: boolean; error?: string };
  flow_name: string | null;
  flow_version: number;
  origin: string;
  /** Whether this is the run's first run-state event (written by its creation). */
  first: boolean;
  /** Seconds from the run's creation to this event. */
  elapsed_s: number;
}

const ERROR_CHARS = 300;

/** Pure: the line for one run-state event, or null for a change that is neither a start nor an end. */
export function runLogLine(row: RunStateRow): string | null {
  const flow = `${row.flow_name ?? "(deleted flow)"} v${row.flow_version}`;
  if (row.first) return `[baton] run ${row.run_id} started: ${flow} (${row.origin}) — /runs/${row.run_id}`;
  if (!row.data.finished) return null;
  const error = row.data.error?.replace(/\s+/g, " ").trim();
  const reason = error ? ` — ${error.length > ERROR_CHARS ? `${error.slice(0, ERROR_CHARS)}…` : error}` : "";
  return `[baton] run ${row.run_id} ${row.data.status ?? "ended"} in ${row.elapsed_s.toFixed(1)} s: ${flow}${reason}`;
}

async function readAfter(db: Db, cursor: number): Promise<RunStateRow[]> {
  return rows<RunStateRow>(
    db.orm,
    sql`
      select e.id::float8 as id, e.run_id, e.data, f.name as flow_name, r.flow_version, r.origin,
             not exists (select 1 from step_events x where x.run_id = e.run_id and x.id < e.id and x.type = 'run-state') as first,
             extract(epoch from e.created_at - r.created_at)::float8 as elapsed_s
      from step_events e
      join runs r on r.id = e.run_id
      left join flows f on f.id = r.flow_id
      where e.id > ${cursor} and e.type = 'run-state'
      order by e.id
      limit 500
    `,
  );
}

export interface RunLog {
  /** Resolves once every notification received so far has been read and printed. */
  settled(): Promise<void>;
  stop(): void;
}

export async function startRunLog(db: Db, print: (line: string) => void = (line) => console.log(line)): Promise<RunLog> {
  const [{ max }] = await rows<{ max: number }>(db.orm, sql`select coalesce(max(id), 0)::float8 as max from step_events`);
  let cursor = max;
  let reading: Promise<void> | null = null;
  let again = false;
  let failing = false;

  const readAll = async (): Promise<void> => {
    for (;;) {
      const batch = await readAfter(db, cursor);
      for (const row of batch) {
        const line = runLogLine(row);
        if (line) print(line);
        cursor = row.id;
      }
      if (batch.length < 500) return;
    }
  };
  const pump = (): Promise<void> => {
    if (reading) {
      again = true;
      return reading;
    }
    reading = (async () => {
      do {
        again = false;
        try {
          await readAll();
          failing = false;
        } catch (error) {
          if (!failing) console.error("[baton] run log could not read run events:", error);
          failing = true;
        }
      } while (again);
      reading = null;
    })();
    return reading;
  };

  const unsubscribe = subscribe(db, RUN_EVENTS_CHANNEL, () => void pump());
  return {
    settled: async () => {
      while (reading) await reading;
    },
    stop: unsubscribe,
  };
}
