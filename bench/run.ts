/**
 * `npm run bench`: the dispatcher's figures on a real Postgres server, in one run.
 * Creates (and drops) its own databases on BATON_TEST_DATABASE_URL's server (default local).
 * Orchestration figures use the real engine + demo backend; BATON_BENCH_ENGINE=test swaps in
 * the dispatcher's test engine to isolate the dispatcher's own share.
 *
 *   dispatch latency ready→started, NOTIFY path and NOTIFY off (polling)
 *   per-step orchestration overhead: a 200-step chain of no-op steps, total ÷ 200
 *   throughput: 2000 independent no-op steps with 1, 4 and 8 slots
 *   the same chain as graphile-worker jobs, as a ratio (median of 5 back-to-back pairs)
 *   idle worker RSS
 * then, from the other layers:
 *   git: pooled and fresh worktree setup, merge-of-2, return-to-pool, diff and commit per step on
 *   generated 1k-, 10k- and 50k-file repos against a raw git worktree add, and a 4-step chain
 *   through the Run API on the 10k-file repo (bench/git.ts, bench/git-chain.ts)
 *   ACP: protocol round trip per prompt and whole-task cost with the fake agent
 *   real agent: Baton's overhead per step with the real qwen-code CLI against a scripted
 *   model server, versus a bare ACP client doing the same turn (bench/real-agent.ts)
 *   events: commit → browser onmessage latency with 1 and 20 viewers, run-page frame time
 *   (bench/events.ts; builds and starts the app)
 * BATON_BENCH_ONLY=dispatch,git,acp,agent,events picks sections.
 */
import { openDb, type Db } from "../lib/db/client";
import { closeNotifier } from "../lib/db/notify";
import { createTestDatabase } from "../lib/testing/postgres";
import { measureDispatchLatency } from "./dispatch-latency";
import { measureChain, measureThroughput } from "./dispatch-orchestration";
import { measureGraphileChain } from "./dispatch-graphile";
import { measureIdleWorkerRss } from "./dispatch-rss";
import { median, round } from "./dispatch-stats";
import { benchWork, type BenchWork } from "./dispatch-work";
import { runGitBench } from "./git";
import { runEventsBench } from "./events";
import { measureAcpPerPrompt, measureAcpPerTask } from "../lib/agents/testing/acp-round-trip";
import { runRealAgentBench } from "./real-agent";

const CHAIN = 200;
/** Baton/graphile-worker chain pairs; the reported figures are medians. */
const ROUNDS = 5;
const INDEPENDENT = 2000;

async function withDatabase<T>(fn: (db: Db, url: string) => Promise<T>, work?: BenchWork): Promise<T> {
  const database = await createTestDatabase("baton_bench");
  const db = await openDb({ url: database.url, poolSize: 16 });
  try {
    await work?.prepare(db);
    return await fn(db, database.url);
  } finally {
    await closeNotifier(db);
    await db.close();
    await database.drop();
  }
}

function line(label: string, value: string, target: string, ok: boolean): void {
  console.log(`${label.padEnd(44)} ${value.padEnd(34)} target ${target.padEnd(14)} ${ok ? "OK" : "MISSED"}`);
}

const only = new Set((process.env.BATON_BENCH_ONLY ?? "dispatch,git,acp,agent,events").split(",").map((s) => s.trim()));

async function main(): Promise<void> {
  if (only.has("dispatch")) await dispatchSection();
  if (only.has("git")) {
    console.log("");
    await runGitBench({ sizes: [1000, 10_000, 50_000], runs: 10, chain: true });
  }
  if (only.has("acp")) {
    console.log("");
    const perPrompt = await measureAcpPerPrompt(200);
    const perTask = await measureAcpPerTask(10);
    line("ACP round trip per prompt, fake agent (ms)", `p50 ${round(perPrompt.p50)}  p95 ${round(perPrompt.p95)}  (n=${perPrompt.n})`, "(reference)", true);
    line("ACP whole task: spawn→init→prompt→kill (ms)", `p50 ${round(perTask.p50, 0)}  p95 ${round(perTask.p95, 0)}  (n=${perTask.n})`, "(reference)", true);
  }
  if (only.has("agent")) {
    console.log("");
    await runRealAgentBench(5);
  }
  if (only.has("events")) {
    console.log("");
    await runEventsBench();
  }
}

async function dispatchSection(): Promise<void> {
  const work = benchWork();
  console.log(`baton dispatch bench — orchestration measured with: ${work.label}`);
  console.log(`node ${process.version}, ${new Date().toISOString()}\n`);

  const notify = await withDatabase((db) =>
    measureDispatchLatency(db, { listen: true, samples: 300, pollIntervalMs: 1_000, maxGapMs: 20 }),
  );
  line(
    "dispatch latency, NOTIFY (ms)",
    `p50 ${round(notify.p50)}  p95 ${round(notify.p95)}  p99 ${round(notify.p99)}  (n=${notify.n})`,
    "p50≤5 p99≤20",
    notify.p50 <= 5 && notify.p99 <= 20,
  );
  const polling = await withDatabase((db) =>
    measureDispatchLatency(db, { listen: false, samples: 40, pollIntervalMs: 1_000, maxGapMs: 1_000 }),
  );
  line(
    "dispatch latency, NOTIFY off, poll 1 s (ms)",
    `p50 ${round(polling.p50)}  p95 ${round(polling.p95)}  p99 ${round(polling.p99)}  (n=${polling.n})`,
    "(reference)",
    true,
  );

  // The chain against graphile-worker's: ROUNDS back-to-back pairs on fresh databases, so each
  // ratio compares runs seconds apart (a machine whose load changes during the bench would
  // otherwise skew one side); the figures are the medians.
  const pairs: Array<{ baton: number; graphile: number }> = [];
  for (let i = 0; i < ROUNDS; i++) {
    const baton = await withDatabase((db) => measureChain(db, work, CHAIN), work);
    const graphile = await withDatabase((_db, url) => measureGraphileChain(url, CHAIN));
    pairs.push({ baton: baton.perStepMs, graphile: graphile.perStepMs });
  }
  const chainMs = median(pairs.map((p) => p.baton));
  const graphileMs = median(pairs.map((p) => p.graphile));
  const ratio = median(pairs.map((p) => p.baton / p.graphile));
  line(
    `orchestration overhead, ${CHAIN}-step chain`,
    `${round(chainMs)} ms/step (median of ${ROUNDS})`,
    "≤10 ms/step",
    chainMs <= 10,
  );

  for (const slots of [1, 4, 8]) {
    const result = await withDatabase((db) => measureThroughput(db, work, INDEPENDENT, slots), work);
    line(
      `throughput, ${INDEPENDENT} independent steps, ${slots} slot${slots > 1 ? "s" : ""}`,
      `${round(result.stepsPerSecond, 0)} steps/s (${round(result.seconds)} s)`,
      slots === 8 ? "≥1000 steps/s" : "(reference)",
      slots !== 8 || result.stepsPerSecond >= 1000,
    );
  }

  line(
    `graphile-worker ${CHAIN}-job chain`,
    `${round(graphileMs)} ms/step; baton/graphile ${round(ratio)}× (${pairs.map((p) => round(p.baton / p.graphile)).join(", ")})`,
    "≤1.5×",
    ratio <= 1.5,
  );

  const rss = await withDatabase((_db, url) => measureIdleWorkerRss(url));
  line("idle worker RSS, npm run worker", `${round(rss.worker, 1)} MB`, "≤150 MB", rss.worker <= 150);
  line("idle worker RSS, from source under tsx (dev)", `${round(rss.tsx, 1)} MB`, "(reference)", true);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
