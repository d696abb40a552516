/**
 * Test fixtures: insert a run and its steps directly (the dispatcher's tests don't need
 * plans or flow documents). Steps without dependencies start "ready" and are NOTIFYed.
 */
import { sql } from "drizzle-orm";
import { rows, type Orm } from "../../db/client";
import { newId } from "../../ids";
import { notifyReady } from "../notify-ready";
import type { TestStepSpec } from "./test-engine";

export interface StepFixture {
  key: string;
  dependsOn?: string[];
  spec?: TestStepSpec;
  maxAttempts?: number;
  timeoutMs?: number;
  requiredTags?: string[];
}

export interface RunFixture {
  runId: string;
  stepIds: Record<string, string>;
}

export async function insertRun(db: Orm, steps: StepFixture[]): Promise<RunFixture> {
  const runId = newId("run");
  const stepIds: Record<string, string> = {};
  const records = steps.map((s) => {
    const id = newId("step");
    stepIds[s.key] = id;
    return {
      id,
      key: s.key,
      depends_on: s.dependsOn ?? [],
      spec: s.spec ?? {},
      max_attempts: s.maxAttempts ?? 1,
      timeout_ms: s.timeoutMs ?? null,
      required_tags: s.requiredTags ?? [],
      state: (s.dependsOn ?? []).length === 0 ? "ready" : "pending",
    };
  });
  await db.transaction(async (tx) => {
    await rows(
      tx,
      sql`insert into runs (id, flow_id, flow_version, status, started_at) values (${runId}, 'flow_test', 1, 'running', now())`,
    );
    await rows(
      tx,
      sql`
        insert into steps (id, run_id, node_id, key, kind, state, depends_on, spec, max_attempts, timeout_ms,
                           required_tags, ready_at)
        select r.id, ${runId}, r.key, r.key, 'agent', r.state, r.depends_on, r.spec, r.max_attempts, r.timeout_ms,
               r.required_tags, case when r.state = 'ready' then clock_timestamp() end
        from jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
          as r(id text, key text, state text, depends_on jsonb, spec jsonb, max_attempts int, timeout_ms int,
               required_tags jsonb)
      `,
    );
    await notifyReady(tx, records.filter((r) => r.state === "ready").map((r) => r.id));
  });
  return { runId, stepIds };
}

export interface StepSnapshot {
  id: string;
  key: string;
  state: string;
  attempt: number;
  fence: number;
  output: string | null;
  error: string | null;
}

export async function stepsOf(db: Orm, runId: string): Promise<StepSnapshot[]> {
  return rows<StepSnapshot>(
    db,
    sql`select id, key, state, attempt, fence::int as fence, output, error from steps where run_id = ${runId} order by key`,
  );
}

export async function runStatus(db: Orm, runId: string): Promise<string> {
  const [row] = await rows<{ status: string }>(db, sql`select status from runs where id = ${runId}`);
  return row.status;
}

/** Polls `check` until it returns a value (liveness only: no timing is asserted). */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, label = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
