/**
 * list-workers: live workers with their heartbeat age and the steps they hold right now.
 *
 * "Live" = not stopped and heartbeat within `staleAfterMs` (default 30 s, the default
 * lease). Running steps come from the leases (steps.lease_owner), the source of truth,
 * not from anything the worker row claims about itself.
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";

export interface LiveWorker {
  id: string;
  host: string;
  pid: number;
  mode: string;
  tags: string[];
  concurrency: number;
  startedAt: string;
  heartbeatAt: string;
  heartbeatAgeMs: number;
  runningSteps: Array<{ id: string; runId: string; key: string; attempt: number; startedAt: string | null }>;
}

export async function listWorkers(db: Executor, staleAfterMs = 30_000): Promise<LiveWorker[]> {
  return rows<LiveWorker>(
    db,
    sql`
      select w.id, w.host, w.pid, w.mode, w.tags, w.concurrency,
             to_json(w.started_at) #>> '{}' as "startedAt",
             to_json(w.heartbeat_at) #>> '{}' as "heartbeatAt",
             (extract(epoch from (now() - w.heartbeat_at)) * 1000)::int as "heartbeatAgeMs",
             coalesce((
               select json_agg(json_build_object('id', s.id, 'runId', s.run_id, 'key', s.key,
                                                 'attempt', s.attempt, 'startedAt', s.started_at)
                               order by s.started_at)
               from steps s where s.state = 'running' and s.lease_owner = w.id
             ), '[]'::json) as "runningSteps"
      from workers w
      where w.stopped_at is null and w.heartbeat_at > now() - ${staleAfterMs}::int * interval '1 millisecond'
      order by w.started_at, w.id
    `,
  );
}
