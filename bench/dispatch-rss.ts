/**
 * Idle worker RSS: a standalone worker process (real entry point) started against the
 * bench database, left idle, then its resident set size read from /proc.
 */
import fs from "node:fs";
import { spawnWorker } from "../lib/dispatch/testing/spawn-worker";
import { sleep } from "./dispatch-stats";

export async function measureIdleWorkerRss(entry: string, url: string, idleMs = 3_000): Promise<number> {
  const worker = await spawnWorker(entry, { DATABASE_URL: url, BATON_WORKER_CONCURRENCY: "4" });
  try {
    await sleep(idleMs);
    const status = fs.readFileSync(`/proc/${worker.child.pid}/status`, "utf8");
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    if (!match) throw new Error("VmRSS not found in /proc status");
    return Number(match[1]) / 1024;
  } finally {
    await worker.stop("SIGTERM");
  }
}
