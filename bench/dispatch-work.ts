/**
 * What the orchestration benches run: an Engine plus ways to create a chain of N no-op
 * steps and M independent no-op steps. Two implementations, so the report says which one
 * was measured:
 * - "real": the engine (lib/engine) with demo-backend agent nodes ({chunks: 1}, no delay,
 *   workspace "none") — its executeStep and advanceRun are part of the overhead;
 * - "test": the dispatcher's test engine (no-op executeStep, SQL-only advanceRun), which
 *   isolates the dispatcher's own share.
 * Independent steps are single-step runs, so completions don't queue on one run's lock.
 */
import type { Db } from "../lib/db/client";
import type { Engine } from "../lib/engine/contract";
import { engine as realEngine } from "../lib/engine/engine";
import { seedOrThrow } from "../lib/seed";
import { insertRun } from "../lib/dispatch/testing/fixtures";
import { createTestEngine } from "../lib/dispatch/testing/test-engine";
import { createDemoRun, demoChain, demoParallel } from "../lib/dispatch/testing/demo-runs";

export interface BenchWork {
  label: string;
  engine: Engine;
  prepare(db: Db): Promise<void>;
  /** Creates (and readies the first step of) a chain; resolves to the last step's key. */
  createChain(db: Db, length: number): Promise<{ runId: string; lastKey: string }>;
  /** Creates `count` independent ready steps; resolves to their run ids. */
  createIndependent(db: Db, count: number): Promise<string[]>;
}

/** Runs `make` `count` times, `parallel` at a time. */
async function inParallel(count: number, parallel: number, make: () => Promise<string>): Promise<string[]> {
  const out: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        next += 1;
        out.push(await make());
      }
    }),
  );
  return out;
}

export function realEngineWork(): BenchWork {
  const noop = { chunks: 1 };
  return {
    label: "real engine (lib/engine) + demo backend, no-op demo steps",
    engine: realEngine,
    prepare: (db) => seedOrThrow(db),
    async createChain(db, length) {
      const { runId } = await createDemoRun(db, demoChain(length, noop));
      return { runId, lastKey: `c${length - 1}` };
    },
    createIndependent: (db, count) =>
      inParallel(count, 8, async () => (await createDemoRun(db, demoParallel(1, noop))).runId),
  };
}

export function testEngineWork(): BenchWork {
  return {
    label: "dispatcher test engine (no-op executeStep, SQL advanceRun)",
    engine: createTestEngine(),
    prepare: async () => {},
    async createChain(db, length) {
      const steps = Array.from({ length }, (_, i) => ({ key: `c${i}`, dependsOn: i === 0 ? [] : [`c${i - 1}`] }));
      const { runId } = await insertRun(db.orm, steps);
      return { runId, lastKey: `c${length - 1}` };
    },
    createIndependent: (db, count) => inParallel(count, 8, async () => (await insertRun(db.orm, [{ key: "p0" }])).runId),
  };
}

/** BATON_BENCH_ENGINE=test measures the dispatcher alone; the default is the real engine. */
export function benchWork(): BenchWork {
  return process.env.BATON_BENCH_ENGINE === "test" ? testEngineWork() : realEngineWork();
}
