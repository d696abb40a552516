import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows, type Db } from "../db/client";
import { openTestPostgres } from "../testing/postgres";
import { claimSteps } from "./claim-steps";
import { insertRun, stepsOf } from "./testing/fixtures";

let db: Db;
beforeAll(async () => {
  db = await openTestPostgres(12);
});
afterAll(async () => {
  await db.close();
});

describe("claim-steps on Postgres", () => {
  it("never hands one step to two of many concurrent claimers", async () => {
    const count = 400;
    const { runId } = await insertRun(
      db.orm,
      Array.from({ length: count }, (_, i) => ({ key: `s${String(i).padStart(3, "0")}` })),
    );
    const claimers = Array.from({ length: 12 }, (_, i) => `wkr_claimer${i}`);
    const claimedBy = new Map<string, string[]>();
    await Promise.all(
      claimers.map(async (workerId) => {
        for (;;) {
          const claimed = await claimSteps(db.orm, { workerId, tags: [], limit: 3, leaseMs: 60_000 });
          if (claimed.length === 0) return;
          for (const step of claimed) {
            expect(step.state).toBe("running");
            expect(step.leaseOwner).toBe(workerId);
            claimedBy.set(step.id, [...(claimedBy.get(step.id) ?? []), workerId]);
          }
        }
      }),
    );
    expect(claimedBy.size).toBe(count);
    for (const owners of claimedBy.values()) expect(owners).toHaveLength(1);
    const steps = await stepsOf(db.orm, runId);
    expect(steps.every((s) => s.state === "running" && s.fence === 1 && s.attempt === 1)).toBe(true);
    // Several claimers really took part (the test exercises contention, not one loop).
    const distinctOwners = new Set([...claimedBy.values()].map((o) => o[0]));
    expect(distinctOwners.size).toBeGreaterThan(1);
    const [events] = await rows<{ n: number }>(
      db.orm,
      sql`select count(*)::int as n from step_events where run_id = ${runId} and type = 'step-state' and data->>'state' = 'running'`,
    );
    expect(events.n).toBe(count);
  });

  it("claims only steps whose required tags the worker has, oldest ready first", async () => {
    const { stepIds } = await insertRun(db.orm, [
      { key: "a", requiredTags: ["profile:claude"] },
      { key: "b", requiredTags: ["profile:claude", "repo:/src/app"] },
      { key: "c" },
    ]);
    const plain = await claimSteps(db.orm, { workerId: "wkr_plain", tags: [], limit: 10, leaseMs: 60_000 });
    expect(plain.map((s) => s.id)).toEqual([stepIds.c]);
    const partial = await claimSteps(db.orm, { workerId: "wkr_partial", tags: ["profile:claude"], limit: 10, leaseMs: 60_000 });
    expect(partial.map((s) => s.id)).toEqual([stepIds.a]);
    const full = await claimSteps(db.orm, {
      workerId: "wkr_full",
      tags: ["repo:/src/app", "profile:claude", "gpu"],
      limit: 10,
      leaseMs: 60_000,
    });
    expect(full.map((s) => s.id)).toEqual([stepIds.b]);
  });

  it("returns nothing for a zero limit and claims at most the limit", async () => {
    await insertRun(db.orm, [{ key: "x" }, { key: "y" }, { key: "z" }]);
    expect(await claimSteps(db.orm, { workerId: "wkr_zero", tags: [], limit: 0, leaseMs: 1000 })).toEqual([]);
    const two = await claimSteps(db.orm, { workerId: "wkr_two", tags: [], limit: 2, leaseMs: 1000 });
    expect(two).toHaveLength(2);
    expect(two[0].fence).toBe(1);
    expect(two[0].startedAt).toBeInstanceOf(Date);
  });
});
