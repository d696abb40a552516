/**
 * The embedded worker: started once per server process from instrumentation.ts (nodejs
 * runtime only), against the application database (PGlite by default, or DATABASE_URL).
 *
 * Invariants:
 * - At most one embedded worker per process, even when Next evaluates modules more than
 *   once (dev server, HMR): the host lives on globalThis.
 * - Never started at import time; a database that is down at boot is retried with backoff
 *   instead of failing the server.
 * - BATON_EMBEDDED_WORKER=0 disables it (e.g. when only standalone workers should claim).
 */
import { appDb } from "../app-db";
import { engine } from "../engine/engine";
import { startWorkerHost, type WorkerHost } from "./host";
import { workerConfigFromEnvOrThrow } from "./worker-config";

const shared = globalThis as unknown as { __batonEmbeddedWorker?: Promise<WorkerHost | null> };

export function embeddedWorkerEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return env.BATON_EMBEDDED_WORKER !== "0";
}

export function startEmbeddedWorker(): Promise<WorkerHost | null> {
  if (!embeddedWorkerEnabled()) return Promise.resolve(null);
  shared.__batonEmbeddedWorker ??= (async () => {
    const config = workerConfigFromEnvOrThrow();
    for (let delay = 1_000; ; delay = Math.min(delay * 2, 30_000)) {
      try {
        const db = await appDb();
        const host = await startWorkerHost(db, engine, "embedded", config);
        console.log(`[baton] embedded worker ${host.worker.id} started (${db.driver}, ${config.concurrency} slots)`);
        return host;
      } catch (error) {
        console.error(`[baton] embedded worker could not start; retrying in ${delay} ms:`, error);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  })();
  return shared.__batonEmbeddedWorker;
}

/** Stops the embedded worker gracefully (tests, and servers that shut down cleanly). */
export async function stopEmbeddedWorker(): Promise<void> {
  const pending = shared.__batonEmbeddedWorker;
  shared.__batonEmbeddedWorker = undefined;
  const host = await pending;
  await host?.stop();
}
