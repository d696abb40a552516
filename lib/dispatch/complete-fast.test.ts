// complete-fast on real Postgres with the real engine: one statement writes a completion and
// its run's advance when the engine remembers the run, and writes nothing when it does not hold.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows, type Db } from "../db/client";
import { openTestPostgres } from "../testing/postgres";
import { engine } from "../engine/engine";
import { runStateCache } from "../engine/run-state-cache";
import { seedOrThrow } from "../seed";
import type { ClaimedStep, StepOutcome } from "../engine/contract";
import { claimSteps } from "./claim-steps";
import { completeSteps, type HandOff } from "./complete-step";
import { completeFast } from "./complete-fast";
import { createDemoRun, demoChain, demoFlow } from "./testing/demo-runs";
import { stepsOf } from "./testing/fixtures";

let db: Db;
beforeAll(async () => {
  db = await openTestPostgres();
  await seedOrThrow(db);
});
afterAll(async () => {
  await db.close();
});

const WORKER = "wkr_fast";
const claimIn = async (runId: string) =>
  (await claimSteps(db.orm, { workerId: WORKER, tags: [], limit: 50, leaseMs: 60_000 })).filter((s) => s.runId === runId);
const input = (step: ClaimedStep, outcome: StepOutcome, fence = step.fence) => ({
  stepId: step.id,
  runId: step.runId,
  fence,
  workerId: WORKER,
  outcome,
});

/** A run whose first step completed through the transactional path, so the engine remembers it. */
async function rememberedRun(flow = demoChain(3, { chunks: 1 })) {
  const run = await createDemoRun(db, flow);
  const [first] = await claimIn(run.runId);
  await completeSteps(db.orm, engine, [input(first, { state: "succeeded", output: "first" })]);
  expect(runStateCache.latest(run.runId)).toBeDefined();
  return run;
}

async function runRow(runId: string) {
  const [row] = await rows<{ status: string; version: number; usage: Record<string, number>; finished: boolean }>(
    db.orm,
    sql`select status, version::int as version, usage, finished_at is not null as finished from runs where id = ${runId}`,
  );
  return row;
}

function handOff(take: number, claimed: ClaimedStep[]): HandOff {
  return { workerId: WORKER, tags: [], leaseMs: 60_000, capacity: (ready) => Math.min(ready, take), claimed: (steps) => claimed.push(...steps) };
}

describe("complete-fast", () => {
  it("writes the completion, the advance and the run in one statement, and hands the readied step over", async () => {
    const run = await rememberedRun();
    const before = await runRow(run.runId);
    const [c1] = await claimIn(run.runId);
    const claimed: ClaimedStep[] = [];
    const result = await completeFast(
      db,
      engine,
      input(c1, { state: "succeeded", output: "second", usage: { inputTokens: 5, costUsd: 0.25 } }),
      handOff(1, claimed),
    );
    expect(result).toEqual({ completed: true, state: "succeeded", readyStepIds: [] });
    expect((await stepsOf(db.orm, run.runId)).map((s) => [s.key, s.state, s.attempt, s.output])).toEqual([
      ["c0", "succeeded", 1, "first"],
      ["c1", "succeeded", 1, "second"],
      ["c2", "running", 1, null],
    ]);
    // The hand-off follows the claim rules: fence bumped, lease ours, profile read along.
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({ key: "c2", state: "running", attempt: 1, fence: 1, leaseOwner: WORKER });
    expect(claimed[0].prefetchedProfile?.id).toBe("demo");
    const after = await runRow(run.runId);
    expect(after).toMatchObject({ status: "running", version: before.version + 1, usage: { inputTokens: 5, costUsd: 0.25 } });
    const [archived] = await rows<{ state: string; output: string }>(db.orm, sql`select state, output from step_attempts where step_id = ${c1.id}`);
    expect(archived).toEqual({ state: "succeeded", output: "second" });
    const events = await rows<{ key: string; data: Record<string, unknown> }>(
      db.orm,
      sql`select s.key, e.data from step_events e join steps s on s.id = e.step_id
          where e.run_id = ${run.runId} and e.type = 'step-state' and s.key in ('c1', 'c2') order by e.id`,
    );
    expect(events.map((e) => [e.key, e.data.state])).toEqual([
      ["c1", "ready"],
      ["c1", "running"],
      ["c1", "succeeded"],
      ["c2", "ready"],
      ["c2", "running"],
    ]);
    // The memory follows the write, so the run's last step is one statement too.
    const last = await completeFast(db, engine, input(claimed[0], { state: "succeeded", output: "third" }), handOff(1, []));
    expect(last).toEqual({ completed: true, state: "succeeded", readyStepIds: [] });
    expect(await runRow(run.runId)).toMatchObject({ status: "succeeded", finished: true, version: before.version + 2 });
    const runEvents = await rows<{ status: string }>(
      db.orm,
      sql`select data->>'status' as status from step_events where run_id = ${run.runId} and type = 'run-state' order by id`,
    );
    expect(runEvents.map((e) => e.status)).toEqual(["running", "succeeded"]);
  });

  it("remembers a run this process created, so even its first completion is one statement", async () => {
    const run = await createDemoRun(db, demoChain(2, { chunks: 1 }));
    expect(runStateCache.latest(run.runId)?.version).toBe(0);
    const [c0] = await claimIn(run.runId);
    const claimed: ClaimedStep[] = [];
    expect(await completeFast(db, engine, input(c0, { state: "succeeded", output: "c0" }), handOff(1, claimed))).toMatchObject({ completed: true });
    expect(claimed.map((s) => s.key)).toEqual(["c1"]);
    expect(await runRow(run.runId)).toMatchObject({ status: "running", version: 1 });
  });

  it("leaves a readied step to others (NOTIFYed, ready) when the worker has no room", async () => {
    const run = await rememberedRun();
    const [c1] = await claimIn(run.runId);
    const result = await completeFast(db, engine, input(c1, { state: "succeeded", output: "x" }), handOff(0, []));
    const c2 = (await stepsOf(db.orm, run.runId)).find((s) => s.key === "c2")!;
    expect(c2.state).toBe("ready");
    expect(result).toEqual({ completed: true, state: "succeeded", readyStepIds: [c2.id] });
  });

  it("skips a failed step's descendants and fails the run", async () => {
    const run = await rememberedRun();
    const [c1] = await claimIn(run.runId);
    const result = await completeFast(db, engine, input(c1, { state: "failed", error: "broken", retryable: false }));
    expect(result).toMatchObject({ completed: true, state: "failed" });
    expect((await stepsOf(db.orm, run.runId)).map((s) => [s.key, s.state, s.error])).toEqual([
      ["c0", "succeeded", null],
      ["c1", "failed", "broken"],
      ["c2", "skipped", 'upstream step "c1" failed'],
    ]);
    expect(await runRow(run.runId)).toMatchObject({ status: "failed", finished: true });
  });

  it("writes nothing when the run changed since the engine saw it, and forgets its memory", async () => {
    const run = await rememberedRun();
    const [c1] = await claimIn(run.runId);
    await rows(db.orm, sql`update runs set version = version + 1 where id = ${run.runId}`);
    const before = await runRow(run.runId);
    expect(await completeFast(db, engine, input(c1, { state: "succeeded", output: "late" }))).toBeNull();
    expect((await stepsOf(db.orm, run.runId)).map((s) => s.state)).toEqual(["succeeded", "running", "pending"]);
    expect(await runRow(run.runId)).toEqual(before);
    expect(runStateCache.latest(run.runId)).toBeUndefined();
    // The transactional path then does the work.
    const [written] = await completeSteps(db.orm, engine, [input(c1, { state: "succeeded", output: "late" })]);
    expect(written.completed).toBe(true);
  });

  it("a fenced-out writer changes nothing", async () => {
    const run = await rememberedRun();
    const [c1] = await claimIn(run.runId);
    const before = await runRow(run.runId);
    expect(await completeFast(db, engine, input(c1, { state: "succeeded", output: "stale" }, c1.fence - 1))).toEqual({
      completed: false,
      readyStepIds: [],
    });
    expect((await stepsOf(db.orm, run.runId)).map((s) => s.state)).toEqual(["succeeded", "running", "pending"]);
    expect(await runRow(run.runId)).toEqual(before);
  });

  it("leaves what it cannot predict to the transactional path (a retry, a run it never saw)", async () => {
    const run = await rememberedRun(demoFlow("retry", [{ id: "a" }, { id: "b", after: ["a"], retries: 1 }]));
    const [b] = await claimIn(run.runId);
    expect(await completeFast(db, engine, input(b, { state: "failed", error: "flaky", retryable: true }))).toBeNull();
    const unseen = await createDemoRun(db, demoChain(2, { chunks: 1 }));
    runStateCache.forget(unseen.runId); // created by another process
    const [first] = await claimIn(unseen.runId);
    expect(await completeFast(db, engine, input(first, { state: "succeeded", output: "x" }))).toBeNull();
    expect((await stepsOf(db.orm, unseen.runId)).map((s) => s.state)).toEqual(["running", "pending"]);
  });
});
