/**
 * `npm run worker`: a standalone worker process for scale-out — many of these (on many
 * machines) may share one Postgres server with the Next.js server's embedded worker.
 *
 *   DATABASE_URL=postgres://… BATON_WORKER_TAGS=profile:claude,repo:/src/app \
 *   BATON_WORKER_CONCURRENCY=4 npm run worker
 *
 * Settings: lib/dispatch/worker-config.ts. SIGTERM/SIGINT → graceful shutdown (stop
 * claiming, finish running steps within BATON_WORKER_GRACE_MS, release the rest).
 * Prints "worker-ready <id>" once it is claiming.
 */
import { appDb } from "../lib/app-db";
import { engine } from "../lib/engine/engine";
import { startWorkerHost, stopOnSignals } from "../lib/dispatch/host";
import { workerConfigFromEnvOrThrow } from "../lib/dispatch/worker-config";

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    // PGlite is one process's database: a second process can't share the server's data dir.
    throw new Error("DATABASE_URL is required: standalone workers share a Postgres server (the embedded PGlite default runs its worker inside the server)");
  }
  const config = workerConfigFromEnvOrThrow();
  const db = await appDb();
  const host = await startWorkerHost(db, engine, "standalone", config);
  stopOnSignals(host, () => db.close());
  const tags = config.tags.length > 0 ? config.tags.join(",") : "(none)";
  console.error(`[baton worker ${host.worker.id}] claiming with ${config.concurrency} slots, tags ${tags}`);
  process.stdout.write(`worker-ready ${host.worker.id}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
