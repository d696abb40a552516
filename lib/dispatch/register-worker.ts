/**
 * register-worker: insert (or revive) the `workers` row that GET /api/workers lists.
 *
 * Invariant: the row is informational only. Correctness never depends on it: leases (not
 * worker rows) decide who may write a step, and the rescuer looks at lease expiry, not at
 * worker liveness. A crashed worker simply stops beating; its row goes stale.
 */
import os from "node:os";
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { newId } from "../ids";

/** Where the worker runs: inside the Next.js server or as `npm run worker`. */
export type WorkerMode = "embedded" | "standalone";

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  tags: string[];
  concurrency: number;
  mode: WorkerMode;
}

export function describeWorker(input: { id?: string; tags: string[]; concurrency: number; mode: WorkerMode }): WorkerInfo {
  return {
    id: input.id ?? newId("wkr"),
    host: os.hostname(),
    pid: process.pid,
    tags: [...input.tags],
    concurrency: input.concurrency,
    mode: input.mode,
  };
}

export async function registerWorker(db: Executor, worker: WorkerInfo): Promise<void> {
  await rows(
    db,
    sql`
      insert into workers (id, host, pid, tags, concurrency, mode, started_at, heartbeat_at, stopped_at)
      values (${worker.id}, ${worker.host}, ${worker.pid}, ${JSON.stringify(worker.tags)}::jsonb,
              ${worker.concurrency}, ${worker.mode}, now(), now(), null)
      on conflict (id) do update
        set tags = excluded.tags, concurrency = excluded.concurrency, heartbeat_at = now(), stopped_at = null
    `,
  );
}
