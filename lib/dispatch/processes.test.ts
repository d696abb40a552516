/**
 * Worker PROCESSES against one Postgres database: contention across processes, a SIGKILLed
 * worker, and every connection of the database being killed mid-run.
 */
import { afterEach, describe, expect, it } from "vitest";
import pg from "pg";
import { sql } from "drizzle-orm";
import { rows, type Db } from "../db/client";
import { openTestPostgres, testServerUrl } from "../testing/postgres";
import { insertRun, runStatus, stepsOf, waitFor } from "./testing/fixtures";
import { expectedOutput } from "./testing/test-engine";
import { spawnWorker, type WorkerProcess } from "./testing/spawn-worker";

const ENTRY = "lib/dispatch/testing/worker-process.ts";
let db: (Db & { url: string }) | null = null;
let processes: WorkerProcess[] = [];

afterEach(async () => {
  await Promise.all(processes.map((p) => p.stop("SIGKILL")));
  processes = [];
  await db?.close();
  db = null;
});

async function startWorkers(count: number, env: Record<string, string> = {}): Promise<WorkerProcess[]> {
  const started = await Promise.all(
    Array.from({ length: count }, () =>
      spawnWorker(ENTRY, { DATABASE_URL: db!.url, BATON_WORKER_CONCURRENCY: "4", BATON_WORKER_POLL_MS: "500", ...env }),
    ),
  );
  processes.push(...started);
  return started;
}

/** Reads that tolerate the database being briefly unreachable (the connection-kill test). */
async function tolerant<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

async function checkEveryStepOnceWithAllEvents(runId: string, count: number, chunks: number) {
  const steps = await stepsOf(db!.orm, runId);
  expect(steps).toHaveLength(count);
  for (const step of steps) {
    expect(step).toMatchObject({ state: "succeeded", attempt: 1, fence: 1 });
    expect(step.output).toBe(expectedOutput(step.key, chunks));
  }
  // Exactly one claim per step…
  const claims = await rows<{ step_id: string; n: number }>(
    db!.orm,
    sql`select step_id, count(*)::int as n from step_events
        where run_id = ${runId} and type = 'step-state' and data->>'state' = 'running' group by step_id`,
  );
  expect(claims).toHaveLength(count);
  expect(claims.every((c) => c.n === 1)).toBe(true);
  // …and every text chunk of every step is in step_events, in order.
  const texts = await rows<{ key: string; text: string }>(
    db!.orm,
    sql`select s.key, string_agg(e.data->>'text', '' order by e.id) as text
        from step_events e join steps s on s.id = e.step_id
        where e.run_id = ${runId} and e.type = 'text-chunk' group by s.key`,
  );
  expect(texts).toHaveLength(count);
  for (const t of texts) expect(t.text).toBe(expectedOutput(t.key, chunks));
}

describe.each([2, 4])("%i worker processes", (workerCount) => {
  it("run 500 independent steps: none claimed twice, no event lost", async () => {
    db = await openTestPostgres();
    const workers = await startWorkers(workerCount);
    const count = 500;
    const chunks = 4;
    const { runId } = await insertRun(
      db.orm,
      Array.from({ length: count }, (_, i) => ({ key: `s${String(i).padStart(3, "0")}`, spec: { chunks, delayMs: 8 } })),
    );
    await waitFor(async () => (await runStatus(db!.orm, runId)) === "succeeded", 120_000, "500 steps");
    await checkEveryStepOnceWithAllEvents(runId, count, chunks);
    // The work really was shared between the processes.
    const owners = await rows<{ worker_id: string }>(
      db.orm,
      sql`select distinct worker_id from step_attempts where run_id = ${runId}`,
    );
    expect(owners.length).toBe(workerCount);
    expect(new Set(owners.map((o) => o.worker_id))).toEqual(new Set(workers.map((w) => w.id)));
    await Promise.all(workers.map((w) => w.stop("SIGTERM")));
    expect(workers.every((w) => w.child.exitCode === 0)).toBe(true);
  });
});

describe("crash and outage", () => {
  it("a SIGKILLed worker's step is finished by another; completed steps are not re-executed", async () => {
    db = await openTestPostgres();
    const fastLease = { BATON_WORKER_LEASE_MS: "1500", BATON_WORKER_HEARTBEAT_MS: "300", BATON_RESCUER_INTERVAL_MS: "300" };
    const { runId, stepIds } = await insertRun(db.orm, [
      { key: "a", spec: { chunks: 3 } },
      { key: "b", dependsOn: ["a"], spec: { chunks: 3 } },
      { key: "c", dependsOn: ["b"], maxAttempts: 2, spec: { chunks: 10, delayMs: 4_000 } },
      { key: "d", dependsOn: ["c"], spec: { chunks: 3 } },
    ]);
    const [victim] = await startWorkers(1, fastLease);
    await waitFor(
      async () => {
        const [c] = await rows<{ state: string; n: number }>(
          db!.orm,
          sql`select s.state, (select count(*)::int from step_events e where e.step_id = s.id and e.type = 'text-chunk') as n
              from steps s where s.id = ${stepIds.c}`,
        );
        return c.state === "running" && c.n > 0;
      },
      30_000,
      "c running with some output",
    );
    expect(await victim.stop("SIGKILL")).toBeNull();
    expect(victim.child.signalCode).toBe("SIGKILL");
    const [survivor] = await startWorkers(1, fastLease);
    await waitFor(async () => (await runStatus(db!.orm, runId)) === "succeeded", 60_000, "run to succeed");

    const steps = await stepsOf(db.orm, runId);
    expect(steps.map((s) => [s.key, s.state, s.attempt])).toEqual([
      ["a", "succeeded", 1],
      ["b", "succeeded", 1],
      ["c", "succeeded", 2],
      ["d", "succeeded", 1],
    ]);
    for (const s of steps) expect(s.output).toBe(expectedOutput(s.key, s.key === "c" ? 10 : 3));
    const attempts = await rows<{ key: string; attempt: number; state: string; worker_id: string }>(
      db.orm,
      sql`select s.key, a.attempt, a.state, a.worker_id from step_attempts a join steps s on s.id = a.step_id
          where a.run_id = ${runId} order by s.key, a.attempt`,
    );
    expect(attempts.map((a) => [a.key, a.attempt, a.state])).toEqual([
      ["a", 1, "succeeded"],
      ["b", 1, "succeeded"],
      ["c", 1, "failed"],
      ["c", 2, "succeeded"],
      ["d", 1, "succeeded"],
    ]);
    expect(attempts.filter((a) => a.key !== "d" && a.attempt === 1).every((a) => a.worker_id === victim.id)).toBe(true);
    expect(attempts.find((a) => a.key === "c" && a.attempt === 2)!.worker_id).toBe(survivor.id);
    // The second attempt's events are complete on their own.
    const [c2] = await rows<{ text: string }>(
      db.orm,
      sql`select string_agg(data->>'text', '' order by id) as text from step_events
          where step_id = ${stepIds.c} and attempt = 2 and type = 'text-chunk'`,
    );
    expect(c2.text).toBe(expectedOutput("c", 10));
  });

  it("workers survive every connection to the database being killed mid-run, twice", async () => {
    db = await openTestPostgres();
    const env = { BATON_WORKER_LEASE_MS: "5000", BATON_WORKER_HEARTBEAT_MS: "300", BATON_RESCUER_INTERVAL_MS: "500" };
    await startWorkers(2, env);
    const count = 200;
    const chunks = 4;
    const { runId } = await insertRun(
      db.orm,
      Array.from({ length: count }, (_, i) => ({ key: `s${String(i).padStart(3, "0")}`, spec: { chunks, delayMs: 40 } })),
    );
    const admin = new pg.Client({ connectionString: testServerUrl() });
    await admin.connect();
    const done = async () =>
      (await tolerant(() => rows<{ n: number }>(db!.orm, sql`select count(*)::int as n from steps where run_id = ${runId} and state = 'succeeded'`)))?.[0]?.n ?? 0;
    for (const threshold of [40, 110]) {
      await waitFor(async () => (await done()) >= threshold, 30_000, `${threshold} steps done`).catch(async (e) => {
        console.log(processes.map((p) => p.output()).join("\n----\n"));
        console.log(await rows(db!.orm, sql`select state, count(*) from steps where run_id = ${runId} group by state`));
        console.log(await rows(db!.orm, sql`select pid, state, query from pg_stat_activity where datname = current_database()`));
        throw e;
      });
      const killed = await admin.query(
        "select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        [new URL(db.url).pathname.slice(1)],
      );
      expect(killed.rows[0].n).toBeGreaterThan(0);
    }
    await admin.end();
    await waitFor(async () => (await tolerant(() => runStatus(db!.orm, runId))) === "succeeded", 90_000, "run to succeed").catch(async (e) => {
      console.log(processes.map((p) => p.output()).join("\n----\n"));
      console.log(await rows(db!.orm, sql`select state, count(*) from steps where run_id = ${runId} group by state`));
      throw e;
    });
    const steps = await stepsOf(db.orm, runId);
    expect(steps.every((s) => s.state === "succeeded" && s.output === expectedOutput(s.key, chunks))).toBe(true);
    // Each step succeeded exactly once (a claim whose reply was lost may show as a rescued attempt).
    const succeeded = await rows<{ n: number }>(
      db.orm,
      sql`select count(*)::int as n from step_attempts where run_id = ${runId} and state = 'succeeded' group by step_id`,
    );
    expect(succeeded).toHaveLength(count);
    expect(succeeded.every((r) => r.n === 1)).toBe(true);
  }, 180_000);
});
