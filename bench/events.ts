/**
 * Event stream bench, against the real app (next start) on a throwaway Postgres database:
 *
 *   latency commit → browser: the bench appends one event (append-events: insert + NOTIFY)
 *     and notes when the commit returned; Chromium pages hold EventSources on
 *     /api/runs/:id/events and note when the event's listener ran. p50/p95 with 1 viewer and
 *     with 20 (each in its own browser context, so each has its own connection pool).
 *   frame time: the run page of a run whose 10 steps all stream text at once (a chunk per
 *     step every ~50 ms, the dispatcher's coalescing interval); requestAnimationFrame deltas.
 *
 * Targets: p95 ≤ 50 ms; no frame over 50 ms.
 *
 *   npx tsx bench/events.ts
 *   BATON_BENCH_REBUILD=1 forces `next build` into .next-bench-events (else reused when built).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createRequire } from "node:module";
import { sql } from "drizzle-orm";
import { chromium, type Browser } from "@playwright/test";
import { openDb, rows, type Db } from "../lib/db/client";
import { closeNotifier } from "../lib/db/notify";
import { createTestDatabase } from "../lib/testing/postgres";
import { append, insertRunningRun } from "../lib/sse/testing";
import { percentiles, round, sleep, type Percentiles } from "./dispatch-stats";

const PORT = Number(process.env.BATON_BENCH_EVENTS_PORT ?? 3305);
const DIST = ".next-bench-events";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

const nextBin = () => createRequire(import.meta.url).resolve("next/dist/bin/next");

async function runOrThrow(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(process.execPath, argv, { env, stdio: ["ignore", "ignore", "inherit"] });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`${argv.join(" ")} exited with ${code}`);
}

async function startServer(databaseUrl: string): Promise<ChildProcess> {
  const env = { ...process.env, BATON_NEXT_DIST_DIR: DIST, NEXT_TELEMETRY_DISABLED: "1" };
  if (process.env.BATON_BENCH_REBUILD || !fs.existsSync(path.join(DIST, "BUILD_ID"))) {
    console.log("building the app (next build)…");
    await runOrThrow([nextBin(), "build"], env);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-bench-events-"));
  const server = spawn(process.execPath, [nextBin(), "start", "--hostname", "127.0.0.1", "--port", String(PORT)], {
    env: { ...env, DATABASE_URL: databaseUrl, BATON_DATA_DIR: dataDir },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  for (let i = 0; i < 600; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${PORT}/api/health`);
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error("the server did not answer /api/health");
}

const wallNow = () => performance.timeOrigin + performance.now();

interface LatencyResult extends Percentiles {
  viewers: number;
}

async function measureLatency(db: Db, browser: Browser, base: string, viewers: number, samples: number): Promise<LatencyResult> {
  const { runId, stepIds } = await insertRunningRun(db, 1);
  const contexts = await Promise.all(Array.from({ length: viewers }, () => browser.newContext()));
  const pages = await Promise.all(contexts.map((c) => c.newPage()));
  await Promise.all(
    pages.map(async (page) => {
      await page.goto(`${base}/api/health`);
      await page.evaluate((url) => {
        const w = window as unknown as { __received: Array<[number, number]>; __open: boolean };
        w.__received = [];
        w.__open = false;
        const source = new EventSource(url);
        source.onopen = () => (w.__open = true);
        source.addEventListener("text-chunk", (event) => {
          const at = performance.timeOrigin + performance.now();
          const seq = Number((JSON.parse((event as MessageEvent<string>).data) as { data: { text: string } }).data.text);
          w.__received.push([seq, at]);
        });
      }, `${base}/api/runs/${runId}/events`);
      await page.waitForFunction(() => (window as unknown as { __open: boolean }).__open);
    }),
  );
  const committed = new Map<number, number>();
  // Warm-up events are not measured: the first ones pay for JIT and connection setup.
  const warmup = 10;
  for (let seq = 0; seq < samples + warmup; seq++) {
    await append(db, stepIds[0], [{ type: "text-chunk", data: { text: String(seq) } }]);
    committed.set(seq, wallNow());
    await sleep(20 + Math.random() * 30);
  }
  const latencies: number[] = [];
  for (const page of pages) {
    await page.waitForFunction((n) => (window as unknown as { __received: unknown[] }).__received.length >= n, samples + warmup, { timeout: 30_000 });
    const received = await page.evaluate(() => (window as unknown as { __received: Array<[number, number]> }).__received);
    for (const [seq, at] of received) if (seq >= warmup) latencies.push(at - committed.get(seq)!);
  }
  await Promise.all(contexts.map((c) => c.close()));
  await rows(db.orm, sql`update runs set status = 'canceled', finished_at = now() where id = ${runId}`);
  return { ...percentiles(latencies), viewers };
}

/** A flow of `count` independent agent nodes, its version, and a run with every step running. */
async function insertStreamingRun(db: Db, count: number): Promise<{ runId: string; stepIds: string[] }> {
  const flowId = `flow_bench_${Date.now().toString(36)}`;
  const nodes = Array.from({ length: count }, (_, i) => ({
    id: `n${i}`,
    kind: "agent",
    position: { x: (i % 5) * 280, y: Math.floor(i / 5) * 160 },
    config: { profile: "demo", prompt: `Step ${i}` },
  }));
  const document = { name: "Bench: 10 streaming steps", inputs: [], nodes, edges: [] };
  await rows(db.orm, sql`insert into flows (id, name) values (${flowId}, ${document.name})`);
  await rows(db.orm, sql`insert into flow_versions (flow_id, version, document) values (${flowId}, 1, ${JSON.stringify(document)}::jsonb)`);
  const run = await insertRunningRun(db, count);
  await rows(db.orm, sql`update runs set flow_id = ${flowId} where id = ${run.runId}`);
  return run;
}

const SENTENCES = [
  "Reading the **module** to see where `parseConfig` is called. ",
  "The tests cover the happy path only; adding a case for an empty file.\n",
  "- update `lib/config.ts`\n- add a test\n",
  "```ts\nexport const answer = 42;\n```\n",
  "Now running the suite again to make sure nothing else broke. ",
];

async function measureFrames(db: Db, browser: Browser, base: string, seconds: number): Promise<{ p95: number; max: number; frames: number; over50: number }> {
  const { runId, stepIds } = await insertStreamingRun(db, 10);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/runs/${runId}`);
  await page.getByTestId("timeline").waitFor();
  // A string, not a function: tsx's helpers (__name) don't exist in the page.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__sampling = true;
    let last = performance.now();
    function tick(t) {
      window.__frames.push(t - last);
      last = t;
      if (window.__sampling) requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
  })()`);
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    await Promise.all(stepIds.map((stepId) => append(db, stepId, [{ type: "text-chunk", data: { text: SENTENCES[n % SENTENCES.length] } }])));
    n++;
    await sleep(50);
  }
  await sleep(500);
  const frames = (await page.evaluate(`(() => { window.__sampling = false; return window.__frames.slice(1); })()`)) as number[];
  await context.close();
  await rows(db.orm, sql`update runs set status = 'canceled', finished_at = now() where id = ${runId}`);
  const sorted = [...frames].sort((a, b) => a - b);
  return {
    p95: sorted[Math.floor(sorted.length * 0.95)] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    frames: frames.length,
    over50: frames.filter((f) => f > 50).length,
  };
}

export interface EventsBenchResult {
  latency: LatencyResult[];
  frames: { p95: number; max: number; frames: number; over50: number };
}

export async function runEventsBench(): Promise<EventsBenchResult> {
  const database = await createTestDatabase("baton_bench_events");
  const db = await openDb({ url: database.url, poolSize: 8 });
  let server: ChildProcess | null = null;
  let browser: Browser | null = null;
  try {
    server = await startServer(database.url);
    const executablePath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));
    browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS });
    const base = `http://127.0.0.1:${PORT}`;
    const latency: LatencyResult[] = [];
    for (const [viewers, samples] of [
      [1, 200],
      [20, 100],
    ] as const) {
      latency.push(await measureLatency(db, browser, base, viewers, samples));
      printLatency(latency[latency.length - 1]);
    }
    const frames = await measureFrames(db, browser, base, 8);
    printFrames(frames);
    return { latency, frames };
  } finally {
    await browser?.close();
    if (server?.pid) {
      try {
        process.kill(-server.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    await closeNotifier(db);
    await db.close();
    await database.drop();
  }
}

function printLatency(l: LatencyResult): void {
  console.log(
    `${`event latency commit→onmessage, ${l.viewers} viewer${l.viewers === 1 ? "" : "s"} (ms)`.padEnd(52)} p50 ${round(l.p50)}  p95 ${round(l.p95)}  (n=${l.n})  target p95≤50 ${l.p95 <= 50 ? "OK" : "MISSED"}`,
  );
}

function printFrames(f: EventsBenchResult["frames"]): void {
  console.log(
    `${"run page frame time, 10 steps streaming (ms)".padEnd(52)} p95 ${round(f.p95)}  max ${round(f.max)}  over 50 ms: ${f.over50} of ${f.frames}  target max≤50 ${f.max <= 50 ? "OK" : "MISSED"}`,
  );
}

/** Prints the figures of a finished bench (runEventsBench prints them as it goes, too). */
export function printEventsBench(result: EventsBenchResult): void {
  result.latency.forEach(printLatency);
  printFrames(result.frames);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  runEventsBench()
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
