// advanceRun's cost: a constant number of statements per advance, whatever the run's size,
// checked on a 200-step chain (each advance loads the run's step states once).
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows, type Db, type Executor } from "../db/client";
import { openTestPglite, openTestPostgres } from "../testing/postgres";
import type { FlowDocument } from "../flow/document";
import { advanceRun } from "./apply-run-event";
import { createRunOrThrow } from "./create-run";
import { plan } from "./plan";

const CHAIN = 200;
const chain: FlowDocument = {
  name: "chain",
  inputs: [],
  nodes: Array.from({ length: CHAIN }, (_, i) => ({ id: `s${i}`, kind: "agent" as const, config: { profile: "demo", prompt: "p" } })),
  edges: Array.from({ length: CHAIN - 1 }, (_, i) => ({ from: `s${i}`, to: `s${i + 1}` })),
};

function counting<T extends Executor>(tx: T): { tx: T; count(): number } {
  let statements = 0;
  const proxy = new Proxy(tx, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== "execute" || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        statements++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { tx: proxy, count: () => statements };
}

describe.each([
  ["pglite", openTestPglite],
  ["postgres", () => openTestPostgres()],
] as const)("advanceRun on %s", (_driver, open) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.close();
  });

  it("advances a 200-step chain with a constant number of statements per step", async () => {
    const created = await createRunOrThrow(db.orm, { flowId: "flow_chain", flowVersion: 1, plan: plan(chain, {}), origin: "api" });
    expect(created.readyStepIds).toEqual([created.stepIds.s0]);
    const counts: number[] = [];
    const startedAt = performance.now();
    for (let i = 0; i < CHAIN; i++) {
      const id = created.stepIds[`s${i}`];
      const ready = await db.orm.transaction(async (tx) => {
        // What the dispatcher's completion does before calling advanceRun.
        await rows(tx, sql`update steps set state = 'succeeded', attempt = 1, finished_at = now() where id = ${id}`);
        const probe = counting(tx);
        const result = await advanceRun(probe.tx, created.runId);
        counts.push(probe.count());
        return result.readyStepIds;
      });
      expect(ready).toEqual(i + 1 < CHAIN ? [created.stepIds[`s${i + 1}`]] : []);
    }
    const perStep = (performance.now() - startedAt) / CHAIN;
    console.log(`[${_driver}] advanceRun on a ${CHAIN}-step chain: ${perStep.toFixed(2)} ms per step, statements per advance ${Math.min(...counts)}–${Math.max(...counts)}`);
    expect(Math.max(...counts)).toBeLessThanOrEqual(4);
    const [run] = await rows<{ status: string; finished: boolean }>(
      db.orm,
      sql`select status, finished_at is not null as finished from runs where id = ${created.runId}`,
    );
    expect(run.status).toBe("succeeded");
    expect(run.finished).toBe(true);
  });
});
