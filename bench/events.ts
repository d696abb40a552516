/**
 * Event stream bench, against the real app (next start) on a throwaway Postgres database:
 *
 *   latency commit → viewer: a writer thread (events-appender.ts) appends one event
 *     (append-events: insert + NOTIFY) and notes when the commit returned; viewers hold
 *     streams on /api/runs/:id/events and note when the event arrived. p50/p95 with 1 viewer
 *     and with 20:
 *     - Node SSE clients (node:http + lib/sse/parse-stream), the control: no renderer to wake,
 *       so this is the server's share (NOTIFY → shared read → one write per viewer);
 *     - Chromium pages, each in its own browser context (own connection, own renderer), the
 *       time taken in the EventSource listener. The difference is the browsers' share.
 *   frame time: the run page of a run whose 10 steps all stream text at once (a chunk per
 *     step every ~50 ms, the dispatcher's coalescing interval); requestAnimationFrame deltas.
 *
 * Clocks: every timestamp is performance.timeOrigin + performance.now() (wall-clock based,
 * sub-ms) read on the same machine: in the writer thread, the bench process and the pages.
 *
 * Targets: p95 ≤ 50 ms; no frame over 50 ms.
 *
 *   flock /tmp/bench.lock npx tsx bench/events.ts
 *   BATON_BENCH_REBUILD=1 forces `next build` into .next-bench-events (else reused when built).
 *   BATON_BENCH_EVENTS_DEBUG=<dir> also prints CPU time per process kind while events stream
 *   and writes per-viewer latencies to <dir>.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createRequire } from "node:module";
import { sql } from "drizzle-orm";
import { chromium, type Browser } from "@playwright/test";
import { openDb, rows, type Db } from "../lib/db/client";
import { closeNotifier } from "../lib/db/notify";
import { createTestDatabase } from "../lib/testing/postgres";
import { SseParser } from "../lib/sse/parse-stream";
import { append, insertRunningRun } from "../lib/sse/testing";
import { percentiles, round, sleep, type Percentiles } from "./dispatch-stats";
import { startAppender, type Appender } from "./events-appender";

const PORT = Number(process.env.BATON_BENCH_EVENTS_PORT ?? 3305);
const DIST = ".next-bench-events";
/** A directory: per-viewer latencies (JSON) are written there and CPU per process kind printed. */
const DEBUG = process.env.BATON_BENCH_EVENTS_DEBUG;
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  // Twenty viewers are twenty windows, only one of them focused: keep Chromium from treating
  // the others as background tabs (throttled timers, lowered renderer priority, occlusion).
  // A bench of concurrent viewers wants each one to run as if it were the one being watched.
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
  "--disable-backgrounding-occluded-windows",
  // Headless Chromium (new headless = the full browser) gives every window two WebUI
  // renderers for the omnibox popups (chrome://omnibox-popup.top-chrome/), which nobody sees
  // here: twenty windows start forty extra renderers that kept both cores busy for seconds,
  // right when the measured events stream. The page under test is unaffected.
  "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup",
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
  client: "browser" | "node";
}

/** One open viewer: what it received so far as [seq, wall-clock ms at its listener]. */
interface Viewer {
  received(): Promise<Array<[number, number]>>;
  close(): Promise<void>;
}

/**
 * A Chromium viewer in its own context (own connection, own renderer process). The listener
 * only parses the payload for its sequence number and notes the time: nothing else runs per
 * event in the page.
 */
async function openBrowserViewer(browser: Browser, base: string, url: string): Promise<Viewer> {
  const context = await browser.newContext();
  const page = await context.newPage();
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
  }, url);
  await page.waitForFunction(() => (window as unknown as { __open: boolean }).__open);
  return {
    received: () => page.evaluate(() => (window as unknown as { __received: Array<[number, number]> }).__received),
    close: () => context.close(),
  };
}

/**
 * The control: a plain Node SSE client (node:http, its own socket, lib/sse/parse-stream) in
 * the bench process. It has no renderer to wake, so its latency is the server's share (NOTIFY
 * → read → write → socket) plus one event-loop hop here; the bench process is idle between
 * appends, so that hop is small.
 */
async function openNodeViewer(url: string): Promise<Viewer> {
  const received: Array<[number, number]> = [];
  const parser = new SseParser();
  const request = http.get(url, { agent: false, headers: { Accept: "text/event-stream" } });
  await new Promise<void>((resolve, reject) => {
    request.once("error", reject);
    request.once("response", (response) => {
      if (response.statusCode !== 200) return reject(new Error(`GET ${url} → ${response.statusCode}`));
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        const at = wallNow();
        for (const message of parser.push(chunk)) {
          if (message.event !== "text-chunk") continue;
          received.push([Number((JSON.parse(message.data) as { data: { text: string } }).data.text), at]);
        }
      });
      response.on("error", () => {});
      resolve();
    });
  });
  return {
    received: async () => received,
    close: async () => {
      request.destroy();
    },
  };
}

/**
 * CPU time (ms) per process kind since boot, from /proc: Chromium renderers vs its browser,
 * network and GPU processes, the Next server, Postgres, this process. Chromium rewrites its
 * argv into one space-separated string, hence the split on spaces too.
 */
function cpuByProcess(): Map<string, number> {
  const out = new Map<string, number>();
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split(/[\0 ]/);
      const type = argv.find((a) => a.startsWith("--type="))?.slice(7);
      const key = Number(pid) === process.pid ? "bench" : type ? `${comm}:${type}` : comm;
      out.set(key, (out.get(key) ?? 0) + (Number(fields[11]) + Number(fields[12])) * tick);
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

function cpuSince(before: Map<string, number>): string {
  return [...cpuByProcess()]
    .map(([key, ms]) => [key, ms - (before.get(key) ?? 0)] as const)
    .filter(([, ms]) => ms >= 50)
    .sort((x, y) => y[1] - x[1])
    .map(([key, ms]) => `${key} ${ms}`)
    .join(", ");
}

async function measureLatency(
  db: Db,
  appender: Appender,
  client: LatencyResult["client"],
  viewers: number,
  samples: number,
  open: (url: string) => Promise<Viewer>,
): Promise<LatencyResult> {
  const { runId, stepIds } = await insertRunningRun(db, 1);
  const opened = await Promise.all(Array.from({ length: viewers }, () => open(`http://127.0.0.1:${PORT}/api/runs/${runId}/events`)));
  // Warm-up events are not measured: the first ones pay for JIT and connection setup.
  const warmup = 10;
  const cpu = cpuByProcess();
  const committed = await appender.run({ stepId: stepIds[0], count: samples + warmup });
  if (DEBUG) console.log(`  cpu ms while streaming (${client}, ${viewers}): ${cpuSince(cpu)}`);
  const latencies: number[] = [];
  const byViewer: number[][] = [];
  const deadline = Date.now() + 30_000;
  for (const viewer of opened) {
    let received = await viewer.received();
    while (received.length < samples + warmup) {
      if (Date.now() > deadline) throw new Error(`a ${client} viewer received ${received.length} of ${samples + warmup} events`);
      await sleep(50);
      received = await viewer.received();
    }
    const mine = received.filter(([seq]) => seq >= warmup).map(([seq, at]) => at - committed[seq]);
    latencies.push(...mine);
    byViewer.push(mine);
  }
  if (DEBUG) fs.writeFileSync(path.join(DEBUG, `events-latency-${client}-${viewers}.json`), JSON.stringify(byViewer));
  await Promise.all(opened.map((v) => v.close()));
  await rows(db.orm, sql`update runs set status = 'canceled', finished_at = now() where id = ${runId}`);
  return { ...percentiles(latencies), viewers, client };
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
  // The figure is frame time while steps stream, not page load: wait until the graph is
  // laid out and drawn (its flow version arrives after the timeline) and the page settles.
  await page.locator(".react-flow__node").first().waitFor();
  await sleep(500);
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
  const appender = startAppender(database.url);
  try {
    server = await startServer(database.url);
    const executablePath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));
    browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS });
    const base = `http://127.0.0.1:${PORT}`;
    const latency: LatencyResult[] = [];
    // The Node control runs in the same bench run, against the same server, just before the
    // browsers: the difference between the two 20-viewer figures is the browsers' share.
    for (const [client, viewers, samples] of [
      ["node", 1, 200],
      ["node", 20, 100],
      ["browser", 1, 200],
      ["browser", 20, 100],
    ] as const) {
      const open = client === "node" ? openNodeViewer : (url: string) => openBrowserViewer(browser!, base, url);
      latency.push(await measureLatency(db, appender, client, viewers, samples, open));
      printLatency(latency[latency.length - 1]);
    }
    const frames = await measureFrames(db, browser, base, 8);
    printFrames(frames);
    return { latency, frames };
  } finally {
    await appender.close();
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
  const what = l.client === "browser" ? `commit→EventSource listener, ${l.viewers} Chromium viewer` : `commit→Node SSE client (control), ${l.viewers} viewer`;
  console.log(
    `${`event latency ${what}${l.viewers === 1 ? "" : "s"} (ms)`.padEnd(66)} p50 ${round(l.p50)}  p95 ${round(l.p95)}  (n=${l.n})  target p95≤50 ${l.p95 <= 50 ? "OK" : "MISSED"}`,
  );
}

function printFrames(f: EventsBenchResult["frames"]): void {
  console.log(
    `${"run page frame time, 10 steps streaming (ms)".padEnd(66)} p95 ${round(f.p95)}  max ${round(f.max)}  over 50 ms: ${f.over50} of ${f.frames}  target max≤50 ${f.max <= 50 ? "OK" : "MISSED"}`,
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
