import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows, type Db } from "../db/client";
import { closeNotifier, notifierFor } from "../db/notify";
import { openTestPostgres } from "../testing/postgres";
import { Worker } from "./worker";
import { createTestEngine, expectedOutput } from "./testing/test-engine";
import { insertRun, runStatus, stepsOf, waitFor } from "./testing/fixtures";
import { claimSteps } from "./claim-steps";
import { registerWorker } from "./register-worker";
import { Rescuer } from "./rescuer";

let db: Db;
beforeAll(async () => {
  db = await openTestPostgres();
});
afterAll(async () => {
  await closeNotifier(db);
  await db.close();
});

let tagCounter = 0;
const uniqueTag = () => [`worker-test:${++tagCounter}`];

describe("worker on Postgres", () => {
  it("runOnce claims, executes and completes a chain step by step, with coalesced events", async () => {
    const tags = uniqueTag();
    const engine = createTestEngine();
    const { runId, stepIds } = await insertRun(db.orm, [
      { key: "a", requiredTags: tags, spec: { chunks: 20 } },
      { key: "b", requiredTags: tags, dependsOn: ["a"], spec: { chunks: 3 } },
      { key: "c", requiredTags: tags, dependsOn: ["b"] },
    ]);
    const worker = new Worker({ db, engine, mode: "standalone", tags, concurrency: 2 });
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(0);
    expect(await runStatus(db.orm, runId)).toBe("succeeded");
    const steps = await stepsOf(db.orm, runId);
    expect(steps.map((s) => [s.key, s.state, s.attempt])).toEqual([
      ["a", "succeeded", 1],
      ["b", "succeeded", 1],
      ["c", "succeeded", 1],
    ]);
    expect(steps[0].output).toBe(expectedOutput("a", 20));
    // 20 chunks emitted back to back are merged into fewer rows, in order, losing nothing.
    const texts = await rows<{ text: string }>(
      db.orm,
      sql`select data->>'text' as text from step_events where step_id = ${stepIds.a} and type = 'text-chunk' order by id`,
    );
    expect(texts.length).toBeLessThan(20);
    expect(texts.map((t) => t.text).join("")).toBe(expectedOutput("a", 20));
  });

  it("never runs more steps at once than its concurrency", async () => {
    const tags = uniqueTag();
    const engine = createTestEngine();
    const { runId } = await insertRun(
      db.orm,
      Array.from({ length: 12 }, (_, i) => ({ key: `s${i}`, requiredTags: tags, spec: { delayMs: 30 } })),
    );
    const worker = new Worker({ db, engine, mode: "standalone", tags, concurrency: 3, pollIntervalMs: 50 });
    await worker.start();
    await waitFor(async () => (await runStatus(db.orm, runId)) === "succeeded", 30_000, "run to succeed");
    await worker.stop();
    expect(engine.stats.executions).toBe(12);
    expect(engine.stats.maxConcurrent).toBeLessThanOrEqual(3);
  });

  it("is woken by NOTIFY when idle (polling effectively off)", async () => {
    const tags = uniqueTag();
    const engine = createTestEngine();
    const worker = new Worker({ db, engine, mode: "standalone", tags, pollIntervalMs: 3_600_000 });
    await worker.start();
    const notifier = notifierFor(db);
    await waitFor(async () => notifier.listening, 10_000, "LISTEN");
    // The start-up claim found nothing; only a notification can wake the worker now.
    await waitFor(async () => worker.freeSlots === worker.info.concurrency && engine.stats.executions === 0, 5_000, "idle");
    const { runId } = await insertRun(db.orm, [{ key: "a", requiredTags: tags }, { key: "b", requiredTags: tags, dependsOn: ["a"] }]);
    await waitFor(async () => (await runStatus(db.orm, runId)) === "succeeded", 20_000, "run to succeed via NOTIFY");
    await worker.stop();
    expect(engine.stats.executions).toBe(2);
  });

  it("aborts a step whose cancellation is requested and records it canceled", async () => {
    const tags = uniqueTag();
    const engine = createTestEngine();
    const { runId, stepIds } = await insertRun(db.orm, [{ key: "a", requiredTags: tags, spec: { hang: true } }]);
    const worker = new Worker({ db, engine, mode: "standalone", tags, heartbeatIntervalMs: 100, pollIntervalMs: 50 });
    await worker.start();
    await waitFor(async () => (await stepsOf(db.orm, runId))[0].state === "running", 10_000, "running");
    await rows(db.orm, sql`update steps set cancel_requested = true where id = ${stepIds.a}`);
    await waitFor(async () => (await stepsOf(db.orm, runId))[0].state === "canceled", 10_000, "canceled");
    await worker.stop();
    expect(await runStatus(db.orm, runId)).toBe("failed");
  });

  it("fails a step past its timeout and retries it while attempts remain", async () => {
    const tags = uniqueTag();
    const engine = createTestEngine();
    const { runId } = await insertRun(db.orm, [{ key: "a", requiredTags: tags, timeoutMs: 100, maxAttempts: 2, spec: { hang: true } }]);
    const worker = new Worker({ db, engine, mode: "standalone", tags, pollIntervalMs: 50 });
    await worker.start();
    await waitFor(async () => (await runStatus(db.orm, runId)) === "failed", 20_000, "failed run");
    await worker.stop();
    const [a] = await stepsOf(db.orm, runId);
    expect(a).toMatchObject({ state: "failed", attempt: 2, error: "timed out after 100 ms" });
  });

  it("graceful shutdown releases a step that outlives the grace period, without consuming an attempt", async () => {
    const tags = uniqueTag();
    const engine = createTestEngine();
    const { runId } = await insertRun(db.orm, [{ key: "a", requiredTags: tags, spec: { hang: true } }, { key: "b", requiredTags: tags, spec: { delayMs: 20 } }]);
    const worker = new Worker({ db, engine, mode: "standalone", tags, pollIntervalMs: 50 });
    await worker.start();
    await waitFor(async () => {
      const steps = await stepsOf(db.orm, runId);
      return steps[0].state === "running" && steps[1].state === "succeeded";
    }, 10_000, "a running, b done");
    await worker.stop(100);
    expect(worker.state).toBe("stopped");
    const [a, b] = await stepsOf(db.orm, runId);
    expect(a).toMatchObject({ state: "ready", attempt: 0, fence: 1 });
    expect(b).toMatchObject({ state: "succeeded", attempt: 1 });
    const [row] = await rows<{ stopped: boolean }>(db.orm, sql`select stopped_at is not null as stopped from workers where id = ${worker.id}`);
    expect(row.stopped).toBe(true);
  });

  it("hands the steps a completion readies to its own worker, claimed in the completion's transaction", async () => {
    const tags = uniqueTag();
    const engine = createTestEngine();
    const { runId } = await insertRun(db.orm, [
      { key: "a", requiredTags: tags },
      { key: "b", requiredTags: tags, dependsOn: ["a"] },
      { key: "c", requiredTags: tags, dependsOn: ["b"] },
    ]);
    // No LISTEN and a poll far beyond the wait: the chain must move by itself.
    const worker = new Worker({ db, engine, mode: "standalone", tags, listen: false, pollIntervalMs: 600_000 });
    await worker.start();
    try {
      await waitFor(async () => (await runStatus(db.orm, runId)) === "succeeded", 20_000, "chain handed off");
    } finally {
      await worker.stop();
    }
    expect((await stepsOf(db.orm, runId)).map((s) => [s.key, s.state, s.attempt])).toEqual([
      ["a", "succeeded", 1],
      ["b", "succeeded", 1],
      ["c", "succeeded", 1],
    ]);
    // now() is the transaction's start time: a step claimed by the completion that readied it
    // started at exactly the moment its predecessor finished.
    const times = await rows<{ key: string; handed: boolean }>(
      db.orm,
      sql`select s.key, s.started_at = p.finished_at as handed
          from steps s join steps p on p.run_id = s.run_id and s.depends_on ? p.key
          where s.run_id = ${runId} order by s.key`,
    );
    expect(times).toEqual([
      { key: "b", handed: true },
      { key: "c", handed: true },
    ]);
  });

  it("releases a step leased to it whose claim reply it never got, so it runs without spending an attempt", async () => {
    const tags = uniqueTag();
    const engine = createTestEngine();
    const { runId } = await insertRun(db.orm, [{ key: "lost", requiredTags: tags }]);
    // The claim committed for this worker id, but the worker never saw the reply.
    const [orphan] = await claimSteps(db.orm, { workerId: "wkr_orphan", tags, limit: 1, leaseMs: 600_000 });
    expect(orphan.attempt).toBe(1);
    const worker = new Worker({
      db,
      engine,
      id: "wkr_orphan",
      mode: "standalone",
      tags,
      leaseMs: 400,
      heartbeatIntervalMs: 50,
      pollIntervalMs: 100,
    });
    await worker.start();
    try {
      await waitFor(async () => (await runStatus(db.orm, runId)) === "succeeded", 20_000, "orphan released and run");
    } finally {
      await worker.stop();
    }
    const [step] = await stepsOf(db.orm, runId);
    expect(step).toMatchObject({ state: "succeeded", attempt: 1 });
  });

  it("claims again a step it still executes after the rescuer took the lease: the older attempt ends there, the newer one keeps its lease", async () => {
    // Manual mode, so nothing happens by itself: runOnce claims, beatOnce is one heartbeat.
    const tags = uniqueTag();
    const engine = createTestEngine();
    const { runId, stepIds } = await insertRun(db.orm, [{ key: "a", requiredTags: tags, maxAttempts: 3, spec: { hang: true } }]);
    const worker = new Worker({ db, engine, mode: "standalone", tags, concurrency: 2 });
    await registerWorker(db.orm, worker.info);
    let firstEnded = false;
    const first = worker.runOnce().then((n) => ((firstEnded = true), n));
    await waitFor(async () => engine.stats.executions === 1, 10_000, "attempt 1 executing");
    // The worker stalls past its lease (nothing beats here): the rescuer makes the step ready.
    await rows(db.orm, sql`update steps set lease_expires_at = now() - interval '1 second' where id = ${stepIds.a}`);
    expect((await new Rescuer({ db, engine }).runOnce()).retried).toEqual([stepIds.a]);
    // A heartbeat asks about attempt 1 and is held at its worker-row upsert (it runs last in
    // the statement) until attempt 2 is claimed, so its answer arrives after that claim.
    let unlock = () => {};
    const locked = new Promise<void>((resolve) => {
      void db.orm.transaction(async (tx) => {
        await rows(tx, sql`select id from workers where id = ${worker.id} for update`);
        resolve();
        await new Promise<void>((release) => (unlock = release));
      });
    });
    await locked;
    try {
      const staleBeat = worker.beatOnce();
      await waitFor(
        async () =>
          (
            await rows<{ n: number }>(
              db.orm,
              sql`select count(*)::int as n from pg_stat_activity
                  where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock' and query like '%insert into workers%'`,
            )
          )[0].n > 0,
        10_000,
        "the heartbeat about attempt 1 to wait",
      );
      const second = worker.runOnce();
      await waitFor(async () => engine.stats.executions === 2, 10_000, "attempt 2 executing");
      // The claim itself ends attempt 1 (its fence is gone), without waiting for a heartbeat.
      await waitFor(async () => firstEnded, 5_000, "attempt 1 to end when its step was claimed again");
      expect(await first).toBe(1);
      unlock();
      await staleBeat;
      // The stale answer ("attempt 1 lost") left attempt 2 alone, and attempt 2 is still held:
      // the next heartbeat renews its lease, and the one after sees its cancel request.
      expect(engine.stats.concurrent).toBe(1);
      await rows(db.orm, sql`update steps set lease_expires_at = now() where id = ${stepIds.a}`);
      await worker.beatOnce();
      const [renewed] = await rows<{ ok: boolean }>(db.orm, sql`select lease_expires_at > now() + interval '10 seconds' as ok from steps where id = ${stepIds.a}`);
      expect(renewed.ok, "attempt 2's lease renewed").toBe(true);
      await rows(db.orm, sql`update steps set cancel_requested = true where id = ${stepIds.a}`);
      await worker.beatOnce();
      expect(await second).toBe(1);
      expect(engine.stats.concurrent).toBe(0);
      const [a] = await stepsOf(db.orm, runId);
      expect(a).toMatchObject({ state: "canceled", attempt: 2, fence: 2 });
      const attempts = await rows<{ attempt: number; state: string; error: string | null }>(
        db.orm,
        sql`select attempt, state, error from step_attempts where step_id = ${stepIds.a} order by attempt`,
      );
      expect(attempts.map((r) => [r.attempt, r.state, r.error?.split(":")[0] ?? null])).toEqual([
        [1, "failed", "worker lost"],
        [2, "canceled", "canceled"],
      ]);
    } finally {
      unlock();
    }
  });
});
