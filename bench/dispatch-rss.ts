/**
 * Idle worker RSS: the real standalone worker started against the bench database, left
 * idle, its resident set size read from /proc. Measured twice:
 * - as `npm run worker` runs it: scripts/run-worker.mjs, the worker bundled by esbuild and
 *   run by plain node in the same process;
 * - scripts/worker.ts from source under the tsx loader (which adds a loader thread with its
 *   own V8 isolate and transform caches), for reference.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnWorker } from "../lib/dispatch/testing/spawn-worker";
import { sleep } from "./dispatch-stats";

function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error("VmRSS not found in /proc status");
  return Number(match[1]) / 1024;
}

async function idleRss(entry: string, env: Record<string, string>, loader: boolean, idleMs: number): Promise<number> {
  const worker = await spawnWorker(entry, env, { loader });
  try {
    await sleep(idleMs);
    return rssOf(worker.child.pid!);
  } finally {
    await worker.stop("SIGTERM");
  }
}

export async function measureIdleWorkerRss(url: string, idleMs = 3_000): Promise<{ worker: number; tsx: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-bench-rss-"));
  const env = { DATABASE_URL: url, BATON_DATA_DIR: dataDir, BATON_WORKER_CONCURRENCY: "4" };
  try {
    // What `npm run worker` runs (node scripts/run-worker.mjs: the bundled worker on plain
    // node; its first start builds the bundle, so measure a second start).
    await (await spawnWorker("scripts/run-worker.mjs", env, { loader: false })).stop("SIGTERM");
    const worker = await idleRss("scripts/run-worker.mjs", env, false, idleMs);
    // The same entry run from source under the tsx loader (development), for reference.
    const tsx = await idleRss("scripts/worker.ts", env, true, idleMs);
    return { worker, tsx };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
