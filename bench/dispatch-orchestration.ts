/**
 * Orchestration figures on one database per scenario:
 * - chain: N no-op steps in a chain; per-step overhead = wall time from creating the run to
 *   the last step's execution ending, ÷ N (claim + execute + complete + advanceRun + NOTIFY
 *   + wake, N times in sequence); a short chain runs first to warm the JIT;
 * - throughput: M independent no-op steps created up front, one worker with C slots
 *   started; steps/s = M ÷ (last finished_at − first started_at).
 */
import { sql } from "drizzle-orm";
import { rows, type Db } from "../lib/db/client";
import { notifierFor } from "../lib/db/notify";
import type { Engine } from "../lib/engine/contract";
import { Worker } from "../lib/dispatch/worker";
import { waitFor } from "../lib/dispatch/testing/fixtures";
import type { BenchWork } from "./dispatch-work";

export async function measureChain(
  db: Db,
  work: BenchWork,
  length: number,
  warmup = 20,
): Promise<{ totalMs: number; perStepMs: number }> {
  let lastDone: (() => void) | null = null;
  let lastKey = "";
  let lastRun = "";
  const engine: Engine = {
    ...work.engine,
    async executeStep(context) {
      const outcome = await work.engine.executeStep(context);
      if (context.step.runId === lastRun && context.step.key === lastKey) lastDone?.();
      return outcome;
    },
  };
  const worker = new Worker({ db, engine, mode: "standalone", concurrency: 4 });
  await worker.start();
  await waitFor(async () => notifierFor(db).listening, 10_000, "LISTEN");
  const chain = async (steps: number) => {
    const finished = new Promise<void>((resolve) => (lastDone = resolve));
    const started = performance.now();
    const created = await work.createChain(db, steps);
    [lastRun, lastKey] = [created.runId, created.lastKey];
    await finished;
    return performance.now() - started;
  };
  // A short chain first warms the JIT (as for graphile-worker's chain), then the measured one.
  if (warmup > 0) await chain(warmup);
  await analyze(db);
  const totalMs = await chain(length);
  await worker.stop();
  return { totalMs, perStepMs: totalMs / length };
}

/**
 * Fresh statistics before timing: the bench fills empty tables moments before measuring,
 * faster than autovacuum's analyze would notice, and a planner that still believes the
 * queue is empty picks scans no live deployment would run.
 */
async function analyze(db: Db): Promise<void> {
  await rows(db.orm, sql`analyze`);
}

export async function measureThroughput(
  db: Db,
  work: BenchWork,
  count: number,
  concurrency: number,
): Promise<{ stepsPerSecond: number; seconds: number }> {
  const runIds = await work.createIndependent(db, count);
  await analyze(db);
  const worker = new Worker({ db, engine: work.engine, mode: "standalone", concurrency, pollIntervalMs: 200 });
  await worker.start();
  // Wait in-process (the worker counts the completions it wrote) so the bench's own polling
  // does not load the database it measures; then check every step really succeeded.
  await waitFor(async () => worker.completedCount >= count, 600_000, "all steps");
  await worker.stop();
  const [span] = await rows<{ seconds: number; succeeded: number }>(
    db.orm,
    sql`select extract(epoch from (max(finished_at) - min(started_at))) as seconds,
               count(*) filter (where state = 'succeeded')::int as succeeded
        from steps where run_id = any(array(select jsonb_array_elements_text(${JSON.stringify(runIds)}::jsonb)))`,
  );
  if (span.succeeded !== count) throw new Error(`throughput bench: ${span.succeeded} of ${count} steps succeeded`);
  const seconds = Number(span.seconds);
  return { stepsPerSecond: count / seconds, seconds };
}
