/**
 * Hosting: one worker plus one rescuer per process, the same code inside the Next.js
 * server (embedded) and in `npm run worker` (standalone).
 *
 * Invariant: `stop()` is graceful — stop claiming, finish or release running steps, stop
 * the rescuer, close the LISTEN connection — and idempotent.
 */
import type { Db } from "../db/client";
import { closeNotifier } from "../db/notify";
import type { Engine } from "../engine/contract";
import type { WorkerMode } from "./register-worker";
import { Rescuer } from "./rescuer";
import { Worker } from "./worker";
import { checkClonesOrThrow } from "../git/check-clones";
import type { WorkerConfig } from "./worker-config";

export interface WorkerHost {
  worker: Worker;
  rescuer: Rescuer;
  stop(): Promise<void>;
}

export async function startWorkerHost(db: Db, engine: Engine, mode: WorkerMode, config: WorkerConfig): Promise<WorkerHost> {
  // A clone that is missing or lacks its remote would fail every step it is given: refuse to start instead.
  if (config.git) await checkClonesOrThrow(config.git);
  const worker = new Worker({
    db,
    engine,
    mode,
    tags: config.tags,
    concurrency: config.concurrency,
    pollIntervalMs: config.pollIntervalMs,
    listen: config.listen,
    leaseMs: config.leaseMs,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    ...(config.sweepIntervalMs ? { sweepIntervalMs: config.sweepIntervalMs } : {}),
    ...(config.git ? { git: config.git } : {}),
  });
  const rescuer = new Rescuer({ db, engine, intervalMs: config.rescuerIntervalMs });
  await worker.start();
  rescuer.start();
  let stopping: Promise<void> | null = null;
  return {
    worker,
    rescuer,
    stop() {
      stopping ??= (async () => {
        await worker.stop(config.graceMs);
        await rescuer.stop();
        await closeNotifier(db);
      })();
      return stopping;
    },
  };
}

/** SIGTERM/SIGINT → graceful stop, then `onStopped` (a second signal exits at once). */
export function stopOnSignals(host: WorkerHost, onStopped: () => Promise<void>): void {
  let signalled = false;
  const handle = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = true;
    console.error(`[baton worker ${host.worker.id}] ${signal}: stopping (finishing or releasing running steps)`);
    void host
      .stop()
      .then(onStopped)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error("[baton worker] shutdown failed", error);
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
}
