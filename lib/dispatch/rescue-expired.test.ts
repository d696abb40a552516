import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows, type Db } from "../db/client";
import { openTestPostgres } from "../testing/postgres";
import { appendEvents } from "./append-events";
import { claimSteps } from "./claim-steps";
import { completeStep } from "./complete-step";
import { heartbeat } from "./heartbeat";
import { describeWorker } from "./register-worker";
import { releaseSteps } from "./release-steps";
import { LEASE_LOSS_LIMIT } from "./rescue-expired";
import { Rescuer } from "./rescuer";
import { createTestEngine } from "./testing/test-engine";
import { insertRun, runStatus, stepsOf } from "./testing/fixtures";

let db: Db;
const engine = createTestEngine();
beforeAll(async () => {
  db = await openTestPostgres();
});
afterAll(async () => {
  await db.close();
});

// Tests share one database: each isolates its steps behind a tag only its claims carry.
let tagCounter = 0;
function isolate(): { tag: string[] } {
  return { tag: [`test:${++tagCounter}`] };
}

async function expireLeases(runId: string): Promise<void> {
  await rows(db.orm, sql`update steps set lease_expires_at = now() - interval '1 second' where run_id = ${runId} and state = 'running'`);
}

async function attemptsOf(stepId: string) {
  return rows<{ attempt: number; state: string; error: string | null; worker_id: string | null }>(
    db.orm,
    sql`select attempt, state, error, worker_id from step_attempts where step_id = ${stepId} order by attempt`,
  );
}

describe("leases, the rescuer and fencing", () => {
  it("returns an expired step to ready, and fences the old worker out of every write", async () => {
    const T = isolate();
    const { runId, stepIds } = await insertRun(db.orm, [{ requiredTags: T.tag, key: "a", maxAttempts: 3 }, { requiredTags: T.tag, key: "b", dependsOn: ["a"] }]);
    const [first] = await claimSteps(db.orm, { workerId: "wkr_old", tags: T.tag, limit: 1, leaseMs: 60_000 });
    expect(first.id).toBe(stepIds.a);

    // A lease that is still valid is not rescued.
    const rescuer = new Rescuer({ db, engine });
    expect(await rescuer.runOnce()).toEqual({ retried: [], ended: [] });

    await expireLeases(runId);
    expect((await rescuer.runOnce()).retried).toEqual([stepIds.a]);
    let [a] = await stepsOf(db.orm, runId);
    expect(a).toMatchObject({ state: "ready", attempt: 1, fence: 1 });
    expect(await attemptsOf(stepIds.a)).toEqual([{ attempt: 1, state: "failed", error: "worker lost: the lease of wkr_old expired", worker_id: "wkr_old" }]);

    const [second] = await claimSteps(db.orm, { workerId: "wkr_new", tags: T.tag, limit: 1, leaseMs: 60_000 });
    expect(second).toMatchObject({ id: stepIds.a, attempt: 2, fence: 2 });

    // The old worker's writes all bounce off the fence.
    const oldWorker = describeWorker({ id: "wkr_old", tags: [], concurrency: 1, mode: "standalone" });
    const beat = await heartbeat(db.orm, { worker: oldWorker, held: [{ id: stepIds.a, fence: 1 }], leaseMs: 60_000, orphanAfterMs: 30_000 });
    expect(beat).toEqual({ renewed: [], cancelRequested: [], lost: [stepIds.a], orphaned: [] });
    expect(await appendEvents(db.orm, { stepId: stepIds.a, fence: 1, events: [{ type: "text-chunk", data: { text: "stale" } }] })).toEqual({ owned: false, appended: 0 });
    const stale = await completeStep(db.orm, engine, {
      stepId: stepIds.a,
      fence: 1,
      workerId: "wkr_old",
      outcome: { state: "succeeded", output: "from the old worker" },
      events: [{ type: "text-chunk", data: { text: "stale-final" } }],
    });
    expect(stale).toEqual({ completed: false, readyStepIds: [] });
    expect(await releaseSteps(db.orm, "wkr_old", [{ id: stepIds.a, fence: 1 }])).toEqual([]);

    // The new owner's writes land, and completion readies the dependent in the same transaction.
    expect(await appendEvents(db.orm, { stepId: stepIds.a, fence: 2, events: [{ type: "text-chunk", data: { text: "fresh" } }] })).toEqual({ owned: true, appended: 1 });
    const done = await completeStep(db.orm, engine, {
      stepId: stepIds.a,
      fence: 2,
      workerId: "wkr_new",
      outcome: { state: "succeeded", output: "from the new worker" },
      events: [{ type: "text-chunk", data: { text: "final" } }],
    });
    expect(done).toEqual({ completed: true, state: "succeeded", readyStepIds: [stepIds.b] });
    [a] = await stepsOf(db.orm, runId);
    expect(a).toMatchObject({ state: "succeeded", attempt: 2, output: "from the new worker" });
    expect((await attemptsOf(stepIds.a)).map((r) => [r.attempt, r.state])).toEqual([
      [1, "failed"],
      [2, "succeeded"],
    ]);
    const texts = await rows<{ text: string }>(
      db.orm,
      sql`select data->>'text' as text from step_events where step_id = ${stepIds.a} and type = 'text-chunk' order by id`,
    );
    expect(texts.map((t) => t.text)).toEqual(["fresh", "final"]);
    // The completion's own events precede its final state event.
    const order = await rows<{ type: string }>(
      db.orm,
      sql`select type from step_events where step_id = ${stepIds.a} and attempt = 2 order by id`,
    );
    expect(order.map((o) => o.type)).toEqual(["step-state", "text-chunk", "text-chunk", "step-state"]);
  });

  it("a lost lease doesn't spend the retry budget: a step with no retries is retried after each of LEASE_LOSS_LIMIT losses", async () => {
    const T = isolate();
    const { runId, stepIds } = await insertRun(db.orm, [{ requiredTags: T.tag, key: "a", maxAttempts: 1 }, { requiredTags: T.tag, key: "b", dependsOn: ["a"] }]);
    const rescuer = new Rescuer({ db, engine });
    for (let loss = 1; loss <= LEASE_LOSS_LIMIT; loss++) {
      const [claimed] = await claimSteps(db.orm, { workerId: `wkr_dead${loss}`, tags: T.tag, limit: 1, leaseMs: 60_000 });
      expect(claimed).toMatchObject({ id: stepIds.a, attempt: loss });
      await expireLeases(runId);
      expect(await rescuer.runOnce()).toEqual({ retried: [stepIds.a], ended: [] });
      const [a] = await stepsOf(db.orm, runId);
      expect(a).toMatchObject({ state: "ready", attempt: loss });
    }
    // Each loss is recorded on its attempt: who was lost, and how many losses came before.
    const archived = await rows<{ attempt: number; error: string; lost: { worker: string; leaseLosses: number } }>(
      db.orm,
      sql`select attempt, error, detail->'workerLost' as lost from step_attempts where step_id = ${stepIds.a} order by attempt`,
    );
    expect(archived.map((a) => [a.attempt, a.error, a.lost])).toEqual(
      Array.from({ length: LEASE_LOSS_LIMIT }, (_, i) => [i + 1, `worker lost: the lease of wkr_dead${i + 1} expired`, { worker: `wkr_dead${i + 1}`, leaseLosses: i + 1 }]),
    );
    // The attempt after the third loss runs with the node's own budget intact: a real failure ends it.
    const [last] = await claimSteps(db.orm, { workerId: "wkr_live", tags: T.tag, limit: 1, leaseMs: 60_000 });
    const done = await completeStep(db.orm, engine, {
      stepId: stepIds.a,
      fence: last.fence,
      workerId: "wkr_live",
      outcome: { state: "failed", error: "real failure", retryable: true },
    });
    expect(done).toMatchObject({ completed: true, state: "failed" });
    expect(await runStatus(db.orm, runId)).toBe("failed");
  });

  it("past LEASE_LOSS_LIMIT a lost lease spends the retry budget, then fails the step and advances its run", async () => {
    const T = isolate();
    const { runId, stepIds } = await insertRun(db.orm, [{ requiredTags: T.tag, key: "a", maxAttempts: 2 }, { requiredTags: T.tag, key: "b", dependsOn: ["a"] }]);
    const rescuer = new Rescuer({ db, engine });
    const outcomes: string[] = [];
    for (let claim = 1; claim <= LEASE_LOSS_LIMIT + 2; claim++) {
      await claimSteps(db.orm, { workerId: `wkr_dead${claim}`, tags: T.tag, limit: 1, leaseMs: 60_000 });
      await expireLeases(runId);
      const result = await rescuer.runOnce();
      outcomes.push(result.retried.length > 0 ? "retried" : "ended");
    }
    // Three forgiven losses, one spending the node's single retry, then the end.
    expect(outcomes).toEqual(["retried", "retried", "retried", "retried", "ended"]);
    const [a, b] = await stepsOf(db.orm, runId);
    expect(a).toMatchObject({ state: "failed", attempt: LEASE_LOSS_LIMIT + 2 });
    expect(a.error).toMatch(/^worker lost 5 times \(its lease expired/);
    expect(b.state).toBe("skipped");
    expect(await runStatus(db.orm, runId)).toBe("failed");
  });

  it("cancels instead of retrying an expired step whose cancellation was requested", async () => {
    const T = isolate();
    const { runId, stepIds } = await insertRun(db.orm, [{ requiredTags: T.tag, key: "a", maxAttempts: 5 }]);
    await claimSteps(db.orm, { workerId: "wkr_gone", tags: T.tag, limit: 1, leaseMs: 60_000 });
    await rows(db.orm, sql`update steps set cancel_requested = true where id = ${stepIds.a}`);
    await expireLeases(runId);
    expect(await new Rescuer({ db, engine }).runOnce()).toEqual({ retried: [], ended: [stepIds.a] });
    const [a] = await stepsOf(db.orm, runId);
    expect(a.state).toBe("canceled");
  });

  it("heartbeat renews held leases and reports cancel requests", async () => {
    const T = isolate();
    const { stepIds } = await insertRun(db.orm, [{ requiredTags: T.tag, key: "a" }, { requiredTags: T.tag, key: "b" }]);
    const worker = describeWorker({ id: "wkr_beat", tags: [], concurrency: 2, mode: "standalone" });
    const claimed = await claimSteps(db.orm, { workerId: worker.id, tags: T.tag, limit: 2, leaseMs: 1_000 });
    await rows(db.orm, sql`update steps set cancel_requested = true where id = ${stepIds.b}`);
    const before = await rows<{ id: string; expires: Date }>(
      db.orm,
      sql`select id, lease_expires_at as expires from steps where id in (${stepIds.a}, ${stepIds.b})`,
    );
    const result = await heartbeat(db.orm, {
      worker,
      held: claimed.map((s) => ({ id: s.id, fence: s.fence })),
      leaseMs: 120_000,
      orphanAfterMs: 0,
    });
    expect(result.orphaned).toEqual([]);
    expect(result.renewed.sort()).toEqual([stepIds.a, stepIds.b].sort());
    expect(result.cancelRequested).toEqual([stepIds.b]);
    const after = await rows<{ later: boolean }>(
      db.orm,
      sql`select bool_and(lease_expires_at > now() + interval '60 seconds') as later from steps where id in (${stepIds.a}, ${stepIds.b})`,
    );
    expect(before).toHaveLength(2);
    expect(after[0].later).toBe(true);
    const [row] = await rows<{ n: number }>(db.orm, sql`select count(*)::int as n from workers where id = ${worker.id}`);
    expect(row.n).toBe(1);
  });

  it("heartbeat reports steps leased to the worker that it does not hold, once old enough", async () => {
    const T = isolate();
    const { stepIds } = await insertRun(db.orm, [{ requiredTags: T.tag, key: "a" }, { requiredTags: T.tag, key: "b" }]);
    const worker = describeWorker({ id: `wkr_orphans_${T.tag[0]}`, tags: [], concurrency: 2, mode: "standalone" });
    const claimed = await claimSteps(db.orm, { workerId: worker.id, tags: T.tag, limit: 2, leaseMs: 60_000 });
    const a = claimed.find((s) => s.id === stepIds.a)!;
    const b = claimed.find((s) => s.id === stepIds.b)!;
    const held = [{ id: a.id, fence: a.fence }];
    // Just claimed: a reply may still be on its way.
    expect((await heartbeat(db.orm, { worker, held, leaseMs: 60_000, orphanAfterMs: 60_000 })).orphaned).toEqual([]);
    const result = await heartbeat(db.orm, { worker, held, leaseMs: 60_000, orphanAfterMs: 0 });
    expect(result.renewed).toEqual([a.id]);
    expect(result.orphaned).toEqual([{ id: b.id, fence: b.fence }]);
  });

  it("release hands a running step back without consuming an attempt", async () => {
    const T = isolate();
    const { runId, stepIds } = await insertRun(db.orm, [{ requiredTags: T.tag, key: "a" }]);
    const [claimed] = await claimSteps(db.orm, { workerId: "wkr_leaving", tags: T.tag, limit: 1, leaseMs: 60_000 });
    expect(await releaseSteps(db.orm, "wkr_leaving", [{ id: claimed.id, fence: claimed.fence }])).toEqual([stepIds.a]);
    const [a] = await stepsOf(db.orm, runId);
    expect(a).toMatchObject({ state: "ready", attempt: 0, fence: 1 });
    const [again] = await claimSteps(db.orm, { workerId: "wkr_next", tags: T.tag, limit: 1, leaseMs: 60_000 });
    expect(again).toMatchObject({ id: stepIds.a, attempt: 1, fence: 2 });
  });

  it("retries a retryable failure while attempts remain, archiving each attempt", async () => {
    const T = isolate();
    const { runId, stepIds } = await insertRun(db.orm, [{ requiredTags: T.tag, key: "a", maxAttempts: 2 }]);
    const failed = { state: "failed" as const, error: "flaky", retryable: true };
    let [claimed] = await claimSteps(db.orm, { workerId: "wkr_r", tags: T.tag, limit: 1, leaseMs: 60_000 });
    const first = await completeStep(db.orm, engine, { stepId: claimed.id, fence: claimed.fence, workerId: "wkr_r", outcome: failed });
    expect(first).toEqual({ completed: true, state: "ready", readyStepIds: [stepIds.a] });
    [claimed] = await claimSteps(db.orm, { workerId: "wkr_r", tags: T.tag, limit: 1, leaseMs: 60_000 });
    expect(claimed.attempt).toBe(2);
    expect(claimed.error).toBeNull();
    const second = await completeStep(db.orm, engine, { stepId: claimed.id, fence: claimed.fence, workerId: "wkr_r", outcome: failed });
    expect(second.state).toBe("failed");
    expect((await attemptsOf(stepIds.a)).map((r) => [r.attempt, r.state, r.error])).toEqual([
      [1, "failed", "flaky"],
      [2, "failed", "flaky"],
    ]);
    expect(await runStatus(db.orm, runId)).toBe("failed");
  });

  it("an infrastructure failure is retried without spending the node's retry budget", async () => {
    const T = isolate();
    const { runId, stepIds } = await insertRun(db.orm, [{ requiredTags: T.tag, key: "a", maxAttempts: 1 }]);
    const [claimed] = await claimSteps(db.orm, { workerId: "wkr_i", tags: T.tag, limit: 1, leaseMs: 60_000 });
    const lost = { state: "failed" as const, error: "step execution threw: Connection terminated", retryable: true };
    const result = await completeStep(db.orm, engine, { stepId: claimed.id, fence: claimed.fence, workerId: "wkr_i", outcome: lost, grantAttempt: true });
    expect(result).toEqual({ completed: true, state: "ready", readyStepIds: [stepIds.a] });
    const [row] = await rows<{ max_attempts: number }>(db.orm, sql`select max_attempts from steps where id = ${stepIds.a}`);
    expect(row.max_attempts).toBe(2);
    const [again] = await claimSteps(db.orm, { workerId: "wkr_i", tags: T.tag, limit: 1, leaseMs: 60_000 });
    expect(again.attempt).toBe(2);
    await completeStep(db.orm, engine, { stepId: again.id, fence: again.fence, workerId: "wkr_i", outcome: { state: "succeeded", output: "ok" } });
    expect(await runStatus(db.orm, runId)).toBe("succeeded");
    expect((await attemptsOf(stepIds.a)).map((r) => [r.attempt, r.state])).toEqual([
      [1, "failed"],
      [2, "succeeded"],
    ]);
  });
});
