/**
 * Entry point for the process tests: a standalone worker (same host code as
 * scripts/worker.ts) running the dispatcher's test engine against DATABASE_URL.
 * Prints "worker-ready <id>" on stdout once it is claiming.
 */
import { openDb } from "../../db/client";
import { startWorkerHost, stopOnSignals } from "../host";
import { workerConfigFromEnvOrThrow } from "../worker-config";
import { createTestEngine } from "./test-engine";

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is required");
  const db = await openDb({ url, migrate: false, poolSize: 6 });
  const host = await startWorkerHost(db, createTestEngine(), "standalone", workerConfigFromEnvOrThrow());
  stopOnSignals(host, () => db.close());
  process.stdout.write(`worker-ready ${host.worker.id}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
