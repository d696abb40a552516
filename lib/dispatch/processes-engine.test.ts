/**
 * The real worker as `npm run worker` ships it (scripts/run-worker.mjs: scripts/worker.ts
 * bundled, on plain node; real engine, demo backend) as OS processes on one Postgres
 * database: contention, a SIGKILLed worker, every connection being killed.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import pg from "pg";
import { sql } from "drizzle-orm";
import { rows, type Db } from "../db/client";
import { seedOrThrow } from "../seed";
import { openTestPostgres, testServerUrl } from "../testing/postgres";
import { runStatus, waitFor } from "./testing/fixtures";
import { createDemoRun, demoFlow, demoParallel } from "./testing/demo-runs";
import { spawnWorker, type WorkerProcess } from "./testing/spawn-worker";
import { insertProfile } from "../profiles/repository";
import { hangOnceArgv, killMarked, pidsWithMarker } from "../process/testing/proc";

const ENTRY = "scripts/run-worker.mjs";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-dispatch-procs-"));
let db: (Db & { url: string }) | null = null;
let processes: WorkerProcess[] = [];
const AGENT_MARKER = `baton-procs-agent-${process.pid}-${Date.now()}`;

afterEach(async () => {
  await Promise.all(processes.map((p) => p.stop("SIGKILL")));
  processes = [];
  killMarked(AGENT_MARKER);
  await db?.close();
  db = null;
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function openSeeded(): Promise<Db & { url: string }> {
  const opened = await openTestPostgres();
  await seedOrThrow(opened);
  return opened;
}

async function startWorkers(count: number, env: Record<string, string> = {}): Promise<WorkerProcess[]> {
  const started = await Promise.all(
    Array.from({ length: count }, () =>
      spawnWorker(
        ENTRY,
        {
          DATABASE_URL: db!.url,
          BATON_DATA_DIR: dataDir,
          BATON_WORKER_CONCURRENCY: "4",
          BATON_WORKER_POLL_MS: "500",
          ...env,
        },
        { loader: false },
      ),
    ),
  );
  processes.push(...started);
  return started;
}

async function tolerant<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

async function allRunsSucceeded(runIds: readonly string[]): Promise<boolean> {
  const [row] = await rows<{ n: number }>(
    db!.orm,
    sql`select count(*)::int as n from runs where status = 'succeeded'
        and id in (select jsonb_array_elements_text(${JSON.stringify(runIds)}::jsonb))`,
  );
  return row.n === runIds.length;
}

interface StepCheck {
  key: string;
  state: string;
  attempt: number;
  fence: number;
  output: string;
  claims: number;
  streamed: string | null;
}

/** Per step: state, attempt, fence, claims (running events) and the text its events carried. */
async function stepChecks(runIds: readonly string[], attempt?: number): Promise<StepCheck[]> {
  return rows<StepCheck>(
    db!.orm,
    sql`
      select s.key, s.state, s.attempt, s.fence::int as fence, s.output,
        (select count(*)::int from step_events e where e.step_id = s.id and e.type = 'step-state'
           and e.data->>'state' = 'running') as claims,
        (select string_agg(e.data->>'text', '' order by e.id) from step_events e
           where e.step_id = s.id and e.type = 'text-chunk' and e.attempt = coalesce(${attempt ?? null}::int, s.attempt)) as streamed
      from steps s
      where s.run_id in (select jsonb_array_elements_text(${JSON.stringify(runIds)}::jsonb))
      order by s.run_id, s.key
    `,
  );
}

describe.each([2, 4])("%i real worker processes (engine + demo backend)", (workerCount) => {
  it("run 500 independent demo steps: none claimed twice, no event lost", async () => {
    db = await openSeeded();
    const workers = await startWorkers(workerCount);
    const runIds: string[] = [];
    for (let i = 0; i < 5; i++) runIds.push((await createDemoRun(db, demoParallel(100, { chunks: 4, delayMs: 2 }))).runId);
    await waitFor(() => allRunsSucceeded(runIds), 180_000, "5 runs × 100 steps");
    const checks = await stepChecks(runIds);
    expect(checks).toHaveLength(500);
    for (const c of checks) {
      expect(c).toMatchObject({ state: "succeeded", attempt: 1, fence: 1, claims: 1 });
      expect(c.output.length).toBeGreaterThan(0);
      expect(c.streamed).toBe(c.output);
    }
    const owners = await rows<{ worker_id: string }>(
      db.orm,
      sql`select distinct worker_id from step_attempts
          where run_id in (select jsonb_array_elements_text(${JSON.stringify(runIds)}::jsonb))`,
    );
    expect(new Set(owners.map((o) => o.worker_id))).toEqual(new Set(workers.map((w) => w.id)));
    await Promise.all(workers.map((w) => w.stop("SIGTERM")));
    expect(workers.every((w) => w.child.exitCode === 0)).toBe(true);
  }, 240_000);
});

describe("real worker processes: crash and outage", () => {
  it("a SIGKILLed worker's step is finished by another; completed steps are not re-executed", async () => {
    db = await openSeeded();
    const fastLease = { BATON_WORKER_LEASE_MS: "1500", BATON_WORKER_HEARTBEAT_MS: "300", BATON_RESCUER_INTERVAL_MS: "300" };
    const flow = demoFlow("crash", [
      { id: "a", options: { chunks: 3 } },
      { id: "b", after: ["a"], options: { chunks: 3 } },
      { id: "c", after: ["b"], retries: 1, options: { chunks: 8, delayMs: 600 } },
      { id: "d", after: ["c"], options: { chunks: 3 } },
    ]);
    const { runId, stepIds } = await createDemoRun(db, flow);
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
      60_000,
      "c running with some output",
    );
    const before = await rows<{ key: string; output: string }>(
      db.orm,
      sql`select key, output from steps where run_id = ${runId} and key in ('a', 'b') order by key`,
    );
    await victim.stop("SIGKILL");
    expect(victim.child.signalCode).toBe("SIGKILL");
    const [survivor] = await startWorkers(1, fastLease);
    await waitFor(async () => (await runStatus(db!.orm, runId)) === "succeeded", 90_000, "run to succeed");

    const checks = await stepChecks([runId]);
    expect(checks.map((c) => [c.key, c.state, c.attempt, c.claims])).toEqual([
      ["a", "succeeded", 1, 1],
      ["b", "succeeded", 1, 1],
      ["c", "succeeded", 2, 2],
      ["d", "succeeded", 1, 1],
    ]);
    // Outputs of the steps finished before the crash are intact; c's second attempt streamed all of its output.
    expect(checks.filter((c) => c.key === "a" || c.key === "b").map((c) => ({ key: c.key, output: c.output }))).toEqual(before);
    for (const c of checks) expect(c.streamed).toBe(c.output);
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
    expect(attempts.filter((a) => a.key < "c" || (a.key === "c" && a.attempt === 1)).every((a) => a.worker_id === victim.id)).toBe(true);
    expect(attempts.filter((a) => a.key === "d" || (a.key === "c" && a.attempt === 2)).every((a) => a.worker_id === survivor.id)).toBe(true);
  }, 180_000);

  it("SIGKILL of the worker holding a default flow's steps (retries 0): the run succeeds, no agent process survives", async () => {
    db = await openSeeded();
    const fastLease = { BATON_WORKER_LEASE_MS: "1500", BATON_WORKER_HEARTBEAT_MS: "300", BATON_RESCUER_INTERVAL_MS: "300" };
    // A command agent that hangs on its first run with a grandchild in its group (both carry
    // the marker), and succeeds when run again; three slow demo steps beside it.
    const flag = path.join(dataDir, `hang-once-${Date.now()}`);
    await insertProfile(db.orm, { id: "hang-once", backend: "command", label: "hangs once", enabled: true, config: { command: hangOnceArgv(flag, AGENT_MARKER) } });
    const flow = demoFlow("default retries", [
      { id: "a", options: { chunks: 2 } },
      ...["p1", "p2", "p3"].map((id) => ({ id, after: ["a"], options: { chunks: 40, delayMs: 250 } })),
      { id: "z", after: ["agent", "p1", "p2", "p3"], options: { chunks: 2 } },
    ]);
    flow.nodes.push({ id: "agent", kind: "agent", config: { profile: "hang-once", prompt: "work", workspace: "none" } });
    flow.edges.push({ from: "a", to: "agent" });
    const { runId } = await createDemoRun(db, flow);
    const [victim] = await startWorkers(1, fastLease);
    await waitFor(
      async () => {
        const running = await rows<{ n: number }>(db!.orm, sql`select count(*)::int as n from steps where run_id = ${runId} and state = 'running'`);
        return running[0].n === 4 && pidsWithMarker(AGENT_MARKER).length === 2;
      },
      60_000,
      "the victim to hold four steps, the agent and its grandchild running",
    );
    await victim.stop("SIGKILL");
    await startWorkers(1, fastLease);
    const finished = await waitFor(
      async () => {
        const status = await runStatus(db!.orm, runId);
        return ["succeeded", "failed", "canceled"].includes(status) ? status : null;
      },
      120_000,
      "the run to finish",
    );
    expect(finished).toBe("succeeded");
    await waitFor(async () => pidsWithMarker(AGENT_MARKER).length === 0, 30_000, "no agent process left from the killed worker");

    const lost = await rows<{ key: string; attempt: number; state: string; error: string; worker: string }>(
      db.orm,
      sql`select s.key, a.attempt, a.state, a.error, a.detail->'workerLost'->>'worker' as worker
          from step_attempts a join steps s on s.id = a.step_id
          where a.run_id = ${runId} and a.detail ? 'workerLost' order by s.key`,
    );
    expect(lost.map((l) => [l.key, l.attempt, l.state, l.worker])).toEqual(
      ["agent", "p1", "p2", "p3"].map((key) => [key, 1, "failed", victim.id]),
    );
    const [agent] = await rows<{ attempt: number; output: string }>(db.orm, sql`select attempt, output from steps where run_id = ${runId} and key = 'agent'`);
    expect(agent).toEqual({ attempt: 2, output: "second run" });
  }, 240_000);

  it("workers reconnect after every connection to the database is killed mid-run (twice) and the runs complete", async () => {
    db = await openSeeded();
    await startWorkers(2, { BATON_WORKER_LEASE_MS: "5000", BATON_WORKER_HEARTBEAT_MS: "300", BATON_RESCUER_INTERVAL_MS: "500" });
    const runIds: string[] = [];
    for (let i = 0; i < 2; i++) runIds.push((await createDemoRun(db, demoParallel(100, { chunks: 4, delayMs: 10 }))).runId);
    const succeededSteps = async () =>
      (
        await tolerant(() =>
          rows<{ n: number }>(
            db!.orm,
            sql`select count(*)::int as n from steps where state = 'succeeded'
                and run_id in (select jsonb_array_elements_text(${JSON.stringify(runIds)}::jsonb))`,
          ),
        )
      )?.[0]?.n ?? 0;
    const admin = new pg.Client({ connectionString: testServerUrl() });
    await admin.connect();
    try {
      for (const threshold of [30, 100]) {
        await waitFor(async () => (await succeededSteps()) >= threshold, 90_000, `${threshold} steps done`);
        const killed = await admin.query(
          "select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
          [new URL(db.url).pathname.slice(1)],
        );
        expect(killed.rows[0].n).toBeGreaterThan(0);
      }
    } finally {
      await admin.end();
    }
    await waitFor(async () => (await tolerant(() => allRunsSucceeded(runIds))) === true, 120_000, "runs to succeed").catch(
      async (error: unknown) => {
        // Diagnostics for a failure: what the workers said and where the steps are.
        console.log(processes.map((p) => p.output()).join("\n----\n"));
        console.log(await rows(db!.orm, sql`select run_id, state, count(*)::int as n from steps group by run_id, state`));
        console.log(await rows(db!.orm, sql`select id, status, error from runs`));
        throw error;
      },
    );
    const checks = await stepChecks(runIds);
    expect(checks).toHaveLength(200);
    expect(checks.every((c) => c.state === "succeeded")).toBe(true);
    // Each step succeeded exactly once (a claim whose reply was lost shows as a rescued attempt).
    const succeeded = await rows<{ n: number }>(
      db.orm,
      sql`select count(*)::int as n from step_attempts where state = 'succeeded'
          and run_id in (select jsonb_array_elements_text(${JSON.stringify(runIds)}::jsonb)) group by step_id`,
    );
    expect(succeeded).toHaveLength(200);
    expect(succeeded.every((r) => r.n === 1)).toBe(true);
    expect(processes.every((p) => p.child.exitCode === null)).toBe(true);
  }, 300_000);
});
