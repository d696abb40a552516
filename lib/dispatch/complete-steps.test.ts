import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows, type Db, type Orm } from "../db/client";
import { openTestPostgres } from "../testing/postgres";
import { appendEvents } from "./append-events";
import { claimSteps } from "./claim-steps";
import { completeSteps } from "./complete-step";
import { CompletionBatcher } from "./completion-batcher";
import { createTestEngine } from "./testing/test-engine";
import { insertRun, runStatus, stepsOf } from "./testing/fixtures";
import { createDemoRun, demoChain, demoParallel } from "./testing/demo-runs";
import { engine as realEngine } from "../engine/engine";
import { seedOrThrow } from "../seed";
import { cancelRunOrThrow, rerunStepOrThrow } from "../runs/actions";
import { runStateCache } from "../engine/run-state-cache";

let db: Db;
const engine = createTestEngine();
beforeAll(async () => {
  db = await openTestPostgres();
});
afterAll(async () => {
  await db.close();
});

let tagCounter = 0;
const isolate = () => [`batch:${++tagCounter}`];

async function eventsOf(runId: string) {
  return rows<{ step_id: string | null; type: string; data: Record<string, unknown> }>(
    db.orm,
    sql`select step_id, type, data from step_events where run_id = ${runId} order by id`,
  );
}

describe("completions in one transaction", () => {
  it("writes several outcomes together, fences out a stale one, and advances each run once", async () => {
    const tags = isolate();
    const one = await insertRun(db.orm, [
      { key: "a", requiredTags: tags },
      { key: "b", requiredTags: tags },
      { key: "c", dependsOn: ["a", "b"], requiredTags: tags },
    ]);
    const two = await insertRun(db.orm, [{ key: "solo", requiredTags: tags }]);
    const claimed = await claimSteps(db.orm, { workerId: "wkr_batch", tags, limit: 10, leaseMs: 60_000 });
    expect(claimed.map((s) => s.key).sort()).toEqual(["a", "b", "solo"]);
    const byKey = Object.fromEntries(claimed.map((s) => [s.key, s]));

    const results = await completeSteps(db.orm, engine, [
      {
        stepId: byKey.a.id,
        fence: byKey.a.fence,
        workerId: "wkr_batch",
        outcome: { state: "succeeded", output: "A" },
        events: [{ type: "text-chunk", data: { text: "a1" } }, { type: "log-line", data: { text: "a2" } }],
        prompt: "prompt of a",
      },
      // A stale fence: this worker lost the lease; nothing of it may be written.
      { stepId: byKey.solo.id, fence: byKey.solo.fence - 1, workerId: "wkr_batch", outcome: { state: "succeeded", output: "stale" } },
      { stepId: byKey.b.id, fence: byKey.b.fence, workerId: "wkr_batch", outcome: { state: "succeeded", output: "B" } },
    ]);

    expect(results.map((r) => r.completed)).toEqual([true, false, true]);
    // Run one's advance (c became ready) is reported once, with its first completion.
    expect(results[0].readyStepIds).toEqual([one.stepIds.c]);
    expect(results[2].readyStepIds).toEqual([]);
    expect(results[1]).toEqual({ completed: false, readyStepIds: [] });

    expect((await stepsOf(db.orm, one.runId)).map((s) => [s.key, s.state, s.output])).toEqual([
      ["a", "succeeded", "A"],
      ["b", "succeeded", "B"],
      ["c", "ready", null],
    ]);
    expect((await stepsOf(db.orm, two.runId)).map((s) => [s.key, s.state, s.output])).toEqual([["solo", "running", null]]);
    const [a] = await rows<{ prompt: string }>(db.orm, sql`select prompt from steps where id = ${byKey.a.id}`);
    expect(a.prompt).toBe("prompt of a");
    const [archived] = await rows<{ prompt: string; state: string; worker_id: string }>(
      db.orm,
      sql`select prompt, state, worker_id from step_attempts where step_id = ${byKey.a.id}`,
    );
    expect(archived).toEqual({ prompt: "prompt of a", state: "succeeded", worker_id: "wkr_batch" });

    // a's buffered events precede its final state event; b's follow; nothing for the stale one.
    const events = (await eventsOf(one.runId)).filter((e) => e.step_id !== null && e.data.state !== "running" && e.data.state !== "ready");
    expect(events.map((e) => [e.step_id === byKey.a.id ? "a" : "b", e.type, e.data.text ?? e.data.state])).toEqual([
      ["a", "text-chunk", "a1"],
      ["a", "log-line", "a2"],
      ["a", "step-state", "succeeded"],
      ["b", "step-state", "succeeded"],
    ]);
    expect((await eventsOf(two.runId)).filter((e) => e.type === "step-state").map((e) => e.data.state)).toEqual(["running"]);
  });

  it("reports the completion that ended its run", async () => {
    const tags = isolate();
    const run = await insertRun(db.orm, [{ key: "only", requiredTags: tags }]);
    const [step] = await claimSteps(db.orm, { workerId: "wkr_end", tags, limit: 1, leaseMs: 60_000 });
    const [result] = await completeSteps(db.orm, engine, [
      { stepId: step.id, fence: step.fence, workerId: "wkr_end", outcome: { state: "succeeded", output: "done" } },
    ]);
    expect(result).toMatchObject({ completed: true, endedRunId: run.runId });
    expect(await runStatus(db.orm, run.runId)).toBe("succeeded");
  });

  it("a fenced-out writer cannot store a prompt either", async () => {
    const tags = isolate();
    await insertRun(db.orm, [{ key: "p", requiredTags: tags }]);
    const [step] = await claimSteps(db.orm, { workerId: "wkr_p", tags, limit: 1, leaseMs: 60_000 });
    expect(await appendEvents(db.orm, { stepId: step.id, fence: step.fence, events: [], prompt: "mine" })).toEqual({ owned: true, appended: 0 });
    expect(await appendEvents(db.orm, { stepId: step.id, fence: step.fence + 1, events: [], prompt: "not mine" })).toEqual({ owned: false, appended: 0 });
    const [row] = await rows<{ prompt: string }>(db.orm, sql`select prompt from steps where id = ${step.id}`);
    expect(row.prompt).toBe("mine");
  });
});

describe("CompletionBatcher", () => {
  it("writes a lone completion at once and groups those arriving while a batch is in flight", async () => {
    const batches: string[][] = [];
    let release: () => void = () => {};
    const batcher = new CompletionBatcher(async (inputs) => {
      batches.push(inputs.map((i) => i.stepId));
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return inputs.map((i) => ({ completed: true, readyStepIds: [`after-${i.stepId}`] }));
    });
    const input = (stepId: string) => ({ stepId, fence: 1, workerId: "w", outcome: { state: "succeeded" as const, output: "" } });
    const first = batcher.submit(input("s1"));
    const later = [batcher.submit(input("s2")), batcher.submit(input("s3"))];
    expect(batches).toEqual([["s1"]]);
    release();
    expect((await first).readyStepIds).toEqual(["after-s1"]);
    expect((await Promise.all(later)).map((r) => r.readyStepIds)).toEqual([["after-s2"], ["after-s3"]]);
    expect(batches).toEqual([["s1"], ["s2", "s3"]]);
  });

  it("retries a failed batch one by one, so only the bad completion fails", async () => {
    const calls: string[][] = [];
    let hold: () => void = () => {};
    const gate = new Promise<void>((resolve) => (hold = resolve));
    const batcher = new CompletionBatcher(async (inputs) => {
      calls.push(inputs.map((i) => i.stepId));
      if (calls.length === 1) await gate;
      if (inputs.some((i) => i.stepId === "bad")) throw new Error("deadlock detected");
      return inputs.map(() => ({ completed: true, readyStepIds: [] }));
    });
    const input = (stepId: string) => ({ stepId, fence: 1, workerId: "w", outcome: { state: "succeeded" as const, output: "" } });
    const first = batcher.submit(input("s0"));
    const good = batcher.submit(input("good"));
    const bad = batcher.submit(input("bad"));
    hold();
    await first;
    expect((await good).completed).toBe(true);
    await expect(bad).rejects.toThrow("deadlock detected");
    expect(calls).toEqual([["s0"], ["good", "bad"], ["good"], ["bad"]]);
  });
});

describe("completions in one transaction, real engine", () => {
  it("ends several runs together (one run-row statement) and advances a run with steps left", async () => {
    await seedOrThrow(db);
    const singles = [await createDemoRun(db, demoParallel(1, { chunks: 1 })), await createDemoRun(db, demoParallel(1, { chunks: 1 }))];
    const chain = await createDemoRun(db, demoChain(2, { chunks: 1 }));
    const ids = [...singles, chain].map((r) => r.runId);
    const claimed = (await claimSteps(db.orm, { workerId: "wkr_real", tags: [], limit: 50, leaseMs: 60_000 })).filter((s) => ids.includes(s.runId));
    expect(claimed).toHaveLength(3);
    const usage = { inputTokens: 3, outputTokens: 4, totalTokens: 7 };
    const results = await completeSteps(
      db.orm,
      realEngine,
      claimed.map((s) => ({ stepId: s.id, fence: s.fence, workerId: "wkr_real", outcome: { state: "succeeded" as const, output: `out ${s.key}`, usage } })),
    );
    expect(results.map((r) => r.completed)).toEqual([true, true, true]);
    const runs = await rows<{ id: string; status: string; usage: Record<string, number>; finished: boolean }>(
      db.orm,
      sql`select id, status, usage, finished_at is not null as finished from runs
          where id in (${ids[0]}, ${ids[1]}, ${ids[2]}) order by id`,
    );
    const byId = new Map(runs.map((r) => [r.id, r]));
    for (const single of singles) {
      expect(byId.get(single.runId)).toMatchObject({ status: "succeeded", finished: true, usage });
      // "running" was announced when the run started; the batch adds exactly its end.
      expect((await eventsOf(single.runId)).filter((e) => e.type === "run-state").map((e) => e.data.status)).toEqual(["running", "succeeded"]);
    }
    expect(byId.get(chain.runId)).toMatchObject({ status: "running", finished: false, usage });
    const c1 = (await stepsOf(db.orm, chain.runId)).find((s) => s.key === "c1")!;
    expect(c1.state).toBe("ready");
    expect(results.find((r) => r.readyStepIds.length > 0)?.readyStepIds).toEqual([c1.id]);
  });
});

describe("run usage and the engine's memory of a run", () => {
  const complete = (step: { id: string; fence: number }, outcome: Parameters<typeof completeSteps>[2][number]["outcome"]) =>
    completeSteps(db.orm, realEngine, [{ stepId: step.id, fence: step.fence, workerId: "wkr_usage", outcome }]);
  const claimIn = async (runId: string) =>
    (await claimSteps(db.orm, { workerId: "wkr_usage", tags: [], limit: 50, leaseMs: 60_000 })).filter((s) => s.runId === runId);

  it("adds each archived attempt's usage to the run exactly once (failure, re-run, fenced-out writer)", async () => {
    await seedOrThrow(db);
    const run = await createDemoRun(db, demoChain(2, { chunks: 1 }));
    const [first] = await claimIn(run.runId);
    await complete(first, { state: "failed", error: "boom", retryable: false, usage: { inputTokens: 1, costUsd: 0.5 } });
    expect(await runStatus(db.orm, run.runId)).toBe("failed");
    await rerunStepOrThrow(db, run.runId, first.id);
    const [again] = await claimIn(run.runId);
    expect(again.attempt).toBe(2);
    await complete(again, { state: "succeeded", output: "c0", usage: { inputTokens: 2, outputTokens: 3 } });
    const [last] = await claimIn(run.runId);
    await complete(last, { state: "succeeded", output: "c1", usage: { inputTokens: 4 } });
    // A stale writer of the same attempt adds nothing.
    const [stale] = await complete({ id: last.id, fence: last.fence - 1 }, { state: "succeeded", output: "x", usage: { inputTokens: 100 } });
    expect(stale.completed).toBe(false);

    const [row] = await rows<{ status: string; usage: Record<string, number> }>(db.orm, sql`select status, usage from runs where id = ${run.runId}`);
    expect(row.status).toBe("succeeded");
    expect(row.usage).toEqual({ inputTokens: 7, outputTokens: 3, costUsd: 0.5 });
    const [summed] = await rows<{ input: string; attempts: number }>(
      db.orm,
      sql`select sum((usage->>'inputTokens')::numeric) as input, count(*)::int as attempts from step_attempts where run_id = ${run.runId}`,
    );
    expect([Number(summed.input), summed.attempts]).toEqual([7, 3]);
  });

  it("reads a run's steps once per process while only its completions change it", async () => {
    await seedOrThrow(db);
    const run = await createDemoRun(db, demoChain(3, { chunks: 1 }));
    // As if another process had created it: this one has no memory of the run yet.
    runStateCache.forget(run.runId);
    const statements: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [step] = await claimIn(run.runId);
      const counted = countingOrm(db.orm);
      await completeSteps(counted.orm, realEngine, [{ stepId: step.id, fence: step.fence, workerId: "wkr_usage", outcome: { state: "succeeded", output: `c${i}` } }]);
      statements.push(counted.count());
    }
    expect(await runStatus(db.orm, run.runId)).toBe("succeeded");
    // begin + fenced update + [read of the run's steps] + apply + commit: the read only once.
    expect(statements[1]).toBe(statements[0] - 1);
    expect(statements[2]).toBe(statements[1]);
  });

  it("re-reads a run that someone else changed in between (a cancel), so a stale memory decides nothing", async () => {
    await seedOrThrow(db);
    const run = await createDemoRun(db, demoChain(3, { chunks: 1 }));
    const [c0] = await claimIn(run.runId);
    await complete(c0, { state: "succeeded", output: "c0" });
    const [c1] = await claimIn(run.runId);
    await cancelRunOrThrow(db, run.runId);
    // c1's worker finishes anyway; the run stays canceled and c2 is not readied.
    await complete(c1, { state: "succeeded", output: "c1" });
    const steps = await stepsOf(db.orm, run.runId);
    expect(steps.map((s) => [s.key, s.state])).toEqual([
      ["c0", "succeeded"],
      ["c1", "succeeded"],
      ["c2", "canceled"],
    ]);
    const [row] = await rows<{ status: string; finished: boolean }>(
      db.orm,
      sql`select status, finished_at is not null as finished from runs where id = ${run.runId}`,
    );
    expect(row).toEqual({ status: "canceled", finished: true });
  });
});

/** `orm` whose transactions count the statements they send (begin and commit included). */
function countingOrm(orm: Orm): { orm: Orm; count(): number } {
  let statements = 0;
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, property, receiver) {
        const value = Reflect.get(t, property, receiver);
        if (property === "execute" && typeof value === "function") {
          return (...args: unknown[]) => {
            statements++;
            return (value as (...a: unknown[]) => unknown).apply(t, args);
          };
        }
        if (property === "transaction" && typeof value === "function") {
          return (fn: (tx: unknown) => Promise<unknown>) => {
            statements += 2;
            return (value as (f: (tx: unknown) => Promise<unknown>) => Promise<unknown>).call(t, (tx: unknown) => fn(wrap(tx as object)));
          };
        }
        return value;
      },
    });
  return { orm: wrap(orm), count: () => statements };
}
