// complete-step with `claim`: the completing worker takes the steps it readies in the same
// transaction (fence bumped, "running" event), and only the steps it did not take are NOTIFYed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows, type Db } from "../db/client";
import { notifierFor, closeNotifier } from "../db/notify";
import { STEP_READY_CHANNEL } from "../engine/contract";
import { openTestPostgres } from "../testing/postgres";
import { claimSteps } from "./claim-steps";
import { completeStep } from "./complete-step";
import { createTestEngine } from "./testing/test-engine";
import { insertRun, stepsOf, waitFor } from "./testing/fixtures";

let db: Db;
const engine = createTestEngine();
beforeAll(async () => {
  db = await openTestPostgres();
});
afterAll(async () => {
  await closeNotifier(db);
  await db.close();
});

describe("claim on completion", () => {
  it("claims up to `limit` readied steps in the completion's transaction and NOTIFYs only the others", async () => {
    const tag = ["test:claim-on-complete"];
    const { runId, stepIds } = await insertRun(db.orm, [
      { requiredTags: tag, key: "a" },
      { requiredTags: tag, key: "b", dependsOn: ["a"] },
      { requiredTags: tag, key: "c", dependsOn: ["a"] },
    ]);
    const notified: string[] = [];
    const notifier = notifierFor(db);
    const unsubscribe = notifier.subscribe(STEP_READY_CHANNEL, (id) => notified.push(id));
    await waitFor(async () => notifier.listening, 10_000, "LISTEN");
    const [a] = await claimSteps(db.orm, { workerId: "wkr_c", tags: tag, limit: 1, leaseMs: 60_000 });
    expect(a.id).toBe(stepIds.a);

    const done = await completeStep(db.orm, engine, {
      stepId: a.id,
      fence: a.fence,
      workerId: "wkr_c",
      outcome: { state: "succeeded", output: "ok" },
      claim: { tags: tag, limit: 1, leaseMs: 60_000 },
    });
    expect(done.completed).toBe(true);
    expect([...done.readyStepIds].sort()).toEqual([stepIds.b, stepIds.c].sort());
    expect(done.claimed).toHaveLength(1);
    const taken = done.claimed![0];
    const other = taken.id === stepIds.b ? stepIds.c : stepIds.b;
    expect(taken).toMatchObject({ state: "running", leaseOwner: "wkr_c", attempt: 1, fence: 1 });

    const byId = new Map((await stepsOf(db.orm, runId)).map((s) => [s.id, s]));
    expect(byId.get(taken.id)).toMatchObject({ state: "running", fence: 1 });
    expect(byId.get(other)).toMatchObject({ state: "ready", fence: 0 });
    const events = await rows<{ data: { state: string } }>(
      db.orm,
      sql`select data from step_events where step_id = ${taken.id} and type = 'step-state' order by id`,
    );
    // (The test engine writes no "ready" events; the claim's "running" event is there.)
    expect(events.map((e) => e.data.state)).toEqual(["running"]);

    await waitFor(async () => notified.includes(other), 10_000, "NOTIFY for the unclaimed step");
    expect(notified).not.toContain(taken.id);
    unsubscribe();
  });

  it("claims nothing when the completion readies nothing", async () => {
    const tag = ["test:claim-on-complete-none"];
    await insertRun(db.orm, [{ requiredTags: tag, key: "solo" }]);
    const [solo] = await claimSteps(db.orm, { workerId: "wkr_c", tags: tag, limit: 1, leaseMs: 60_000 });
    const done = await completeStep(db.orm, engine, {
      stepId: solo.id,
      fence: solo.fence,
      workerId: "wkr_c",
      outcome: { state: "succeeded", output: "ok" },
      claim: { tags: tag, limit: 1, leaseMs: 60_000 },
    });
    expect(done).toEqual({ completed: true, state: "succeeded", readyStepIds: [], claimed: [] });
  });
});
