/**
 * Dispatch latency ready→started: one idle worker (1 slot); a single step is made ready,
 * the worker claims it; latency = steps.started_at − steps.ready_at on the database clock.
 * Steps are made ready one at a time at random moments, so with NOTIFY off the figure
 * shows where in the poll interval the step landed.
 */
import { sql } from "drizzle-orm";
import { rows, type Db } from "../lib/db/client";
import { notifierFor } from "../lib/db/notify";
import type { Engine } from "../lib/engine/contract";
import { Worker } from "../lib/dispatch/worker";
import { insertRun, waitFor } from "../lib/dispatch/testing/fixtures";
import { createTestEngine } from "../lib/dispatch/testing/test-engine";
import { percentiles, sleep, type Percentiles } from "./dispatch-stats";

export async function measureDispatchLatency(
  db: Db,
  options: { listen: boolean; samples: number; pollIntervalMs: number; maxGapMs: number },
): Promise<Percentiles> {
  const base = createTestEngine();
  let executed: (() => void) | null = null;
  const engine: Engine = {
    advanceRun: base.advanceRun,
    async executeStep(context) {
      executed?.();
      return base.executeStep(context);
    },
  };
  const tag = `latency:${options.listen ? "notify" : "poll"}`;
  const worker = new Worker({
    db,
    engine,
    mode: "standalone",
    tags: [tag],
    concurrency: 1,
    listen: options.listen,
    pollIntervalMs: options.pollIntervalMs,
  });
  await worker.start();
  if (options.listen) await waitFor(async () => notifierFor(db).listening, 10_000, "LISTEN");
  const stepIds: string[] = [];
  for (let i = 0; i < options.samples; i++) {
    // The previous sample must be fully completed: a busy slot would be measured as latency.
    await waitFor(async () => worker.freeSlots === 1, 10_000, "free slot");
    await sleep(Math.random() * options.maxGapMs);
    const started = new Promise<void>((resolve) => (executed = resolve));
    const { stepIds: ids } = await insertRun(db.orm, [{ key: "s", requiredTags: [tag] }]);
    stepIds.push(ids.s);
    await started;
  }
  await worker.stop();
  const measured = await rows<{ ms: number }>(
    db.orm,
    sql`select extract(epoch from (started_at - ready_at)) * 1000 as ms
        from steps where id in (select jsonb_array_elements_text(${JSON.stringify(stepIds)}::jsonb))`,
  );
  return percentiles(measured.map((m) => Number(m.ms)));
}
