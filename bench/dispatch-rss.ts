/**
 * Idle worker RSS: the real standalone worker (scripts/worker.ts) started against the bench
 * database, left idle, its resident set size read from /proc. Measured twice:
 * - as `npm run worker` runs it (node + the tsx loader, which adds a loader thread with its
 *   own V8 isolate and the TypeScript transform caches);
 * - the same entry bundled with esbuild (tsx's own dependency) and run by plain node — the
 *   worker's own footprint, what a built deployment would carry.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
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

export async function measureIdleWorkerRss(url: string, idleMs = 3_000): Promise<{ tsx: number; bundled: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-bench-rss-"));
  const env = { DATABASE_URL: url, BATON_DATA_DIR: dataDir, BATON_WORKER_CONCURRENCY: "4" };
  try {
    const tsx = await idleRss("scripts/worker.ts", env, true, idleMs);
    const outfile = path.join(dataDir, "worker.mjs");
    await build({
      entryPoints: ["scripts/worker.ts"],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile,
      packages: "external",
      logLevel: "silent",
    });
    // External packages resolve from the project's node_modules.
    const placed = path.resolve(".baton-bench-worker.mjs");
    fs.copyFileSync(outfile, placed);
    try {
      const bundled = await idleRss(placed, env, false, idleMs);
      return { tsx, bundled };
    } finally {
      fs.rmSync(placed, { force: true });
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
