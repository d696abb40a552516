/**
 * Two machines on one host: two real worker processes (scripts/run-worker.mjs), each with its
 * own clone of the repository at its own path (BATON_REPO_MAP app=<clone>) and its own data
 * dir, one Postgres server, and a bare "origin" as the lineage remote. Steps are forced onto
 * one worker or the other by profile tags (A: demo-a, B: demo-b; both: demo-c), so every
 * hand-over between steps crosses "machines" through git alone.
 */
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows, type Db } from "../db/client";
import { createFlowOrThrow } from "../flows/service";
import { commitFiles, createRepo, git, makeTempDir } from "../git/test-repos";
import { insertProfile } from "../profiles/repository";
import { getRunOrThrow, rerunStepOrThrow, startRunOrThrow } from "../runs/service";
import { computeRunResultOrThrow } from "../results/run-result";
import { seedOrThrow } from "../seed";
import { openTestPostgres } from "../testing/postgres";
import { runStatus, waitFor } from "./testing/fixtures";
import { spawnWorker, type WorkerProcess } from "./testing/spawn-worker";

const FAST_LEASE = {
  BATON_WORKER_LEASE_MS: "1500",
  BATON_WORKER_HEARTBEAT_MS: "300",
  BATON_RESCUER_INTERVAL_MS: "300",
  BATON_WORKER_POLL_MS: "300",
  BATON_WORKER_SWEEP_MS: "500",
};

let db: Db & { url: string };
let dir: string;
let origin: string;
let server: string;
const clones: Record<"A" | "B", string> = { A: "", B: "" };
const workers: Record<"A" | "B", WorkerProcess | null> = { A: null, B: null };
const savedEnv = { map: process.env.BATON_REPO_MAP, tags: process.env.BATON_REQUIRE_PROFILE_TAGS, remote: process.env.BATON_LINEAGE_REMOTE };

const agent = (id: string, profile: string, extra: Record<string, unknown> = {}) => ({
  id,
  kind: "agent",
  config: { profile, prompt: `Step ${id}: change the code`, workspace: "code", ...extra },
});

/** plan (A) → left (B) and an arena (contestants on A and B) → agent fold (B) of both → final (A). */
function alternatingFlow(name: string, foldOptions: Record<string, unknown> = {}) {
  return {
    name,
    inputs: [],
    nodes: [
      agent("plan", "demo-a"),
      agent("left", "demo-b"),
      {
        id: "arena",
        kind: "arena",
        config: { prompt: "Arena: try it", contestants: [{ profile: "demo-a" }, { profile: "demo-b" }], select: { mode: "check", command: ["test", "-f", "README.md"] }, workspace: "code" },
      },
      { id: "fold", kind: "fold", config: { mode: "agent", profile: "demo-b", prompt: "Fold: combine left and the arena's winner", options: foldOptions } },
      agent("final", "demo-a"),
    ],
    edges: [
      { from: "plan", to: "left" },
      { from: "plan", to: "arena" },
      { from: "left", to: "fold" },
      { from: "arena", to: "fold" },
      { from: "fold", to: "final" },
    ],
  };
}

interface Attempt {
  key: string;
  attempt: number;
  state: string;
  worker_id: string;
  start_commit: string | null;
  result_commit: string | null;
}

const attemptsOf = (runId: string) =>
  rows<Attempt>(
    db.orm,
    sql`select s.key, a.attempt, a.state, a.worker_id, a.start_commit,
               coalesce(a.result_commit, a.detail->>'resultCommit') as result_commit
        from step_attempts a join steps s on s.id = a.step_id where a.run_id = ${runId} order by s.key, a.attempt`,
  );

const inOrigin = async (commit: string) => (await git(origin, "cat-file", "-t", commit).catch(() => "missing")) === "commit";
const parentsIn = async (repo: string, commit: string) => (await git(repo, "rev-list", "--parents", "-n", "1", commit)).split(" ").slice(1);

async function startWorker(name: "A" | "B", tags: string, extra: Record<string, string> = {}): Promise<WorkerProcess> {
  const dataDir = path.join(dir, `data-${name}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const started = await spawnWorker(
    "scripts/run-worker.mjs",
    {
      DATABASE_URL: db.url,
      BATON_DATA_DIR: dataDir,
      BATON_REPO_MAP: `app=${clones[name]}`,
      BATON_LINEAGE_REMOTE: "origin",
      BATON_WORKER_TAGS: tags,
      BATON_GIT_REMOTE_TIMEOUT_MS: "20000",
      ...FAST_LEASE,
      ...extra,
    },
    { loader: false },
  );
  workers[name] = started;
  return started;
}

async function finished(runId: string): Promise<string> {
  return waitFor(
    async () => {
      const status = await runStatus(db.orm, runId);
      return ["succeeded", "failed", "canceled"].includes(status) ? status : null;
    },
    90_000,
    `run ${runId} to finish`,
  ).catch((error: unknown) => {
    console.log(Object.values(workers).map((w) => w?.output()).join("\n----\n"));
    throw error;
  });
}

async function startRun(document: unknown): Promise<string> {
  const flowId = (await createFlowOrThrow(db, document)).id;
  return (await startRunOrThrow(db, { flowId, inputs: {}, repo: "app", origin: "api" })).id;
}

beforeAll(async () => {
  db = await openTestPostgres();
  await seedOrThrow(db);
  for (const id of ["demo-a", "demo-b", "demo-c"]) await insertProfile(db.orm, { id, backend: "demo", label: id, enabled: true, config: {} });
  dir = await makeTempDir("baton-machines");
  origin = path.join(dir, "origin.git");
  await git(dir, "init", "-q", "--bare", "-b", "main", origin);
  ({ repo: server } = await createRepo(path.join(dir, "server"), { "README.md": "# app\n", "src/app.js": "export const x = 1;\n" }));
  await git(server, "remote", "add", "origin", origin);
  await git(server, "push", "-q", "origin", "main");
  for (const name of ["A", "B"] as const) {
    clones[name] = path.join(dir, `clone-${name}`);
    await git(dir, "clone", "-q", origin, clones[name]);
  }
  // This process starts the runs, as the web server would: its own clone, named "app".
  process.env.BATON_REPO_MAP = `app=${server}`;
  process.env.BATON_REQUIRE_PROFILE_TAGS = "1";
  process.env.BATON_LINEAGE_REMOTE = "origin";
  // B has one slot, so in the crash scenario a step both workers may run goes to A.
  await Promise.all([startWorker("A", "profile:demo-a,profile:demo-c"), startWorker("B", "profile:demo-b,profile:demo-c", { BATON_WORKER_CONCURRENCY: "1" })]);
});

afterAll(async () => {
  await Promise.all(Object.values(workers).map((w) => w?.stop("SIGKILL")));
  process.env.BATON_REPO_MAP = savedEnv.map;
  process.env.BATON_REQUIRE_PROFILE_TAGS = savedEnv.tags;
  if (savedEnv.map === undefined) delete process.env.BATON_REPO_MAP;
  if (savedEnv.tags === undefined) delete process.env.BATON_REQUIRE_PROFILE_TAGS;
  if (savedEnv.remote === undefined) delete process.env.BATON_LINEAGE_REMOTE;
  else process.env.BATON_LINEAGE_REMOTE = savedEnv.remote;
  await db?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("two machines sharing lineage through a bare origin", { timeout: 120_000 }, () => {
  it("five code steps alternate workers, an agent fold merges commits made on both, and every result is in origin", async () => {
    const runId = await startRun(alternatingFlow("alternating"));
    expect(await finished(runId)).toBe("succeeded");
    const attempts = await attemptsOf(runId);
    const A = workers.A!.id;
    const B = workers.B!.id;
    expect(attempts.map((a) => [a.key, a.attempt, a.state, a.worker_id])).toEqual([
      ["arena", 1, "succeeded", expect.any(String)],
      ["arena#0", 1, "succeeded", A],
      ["arena#1", 1, "succeeded", B],
      ["final", 1, "succeeded", A],
      ["fold", 1, "succeeded", B],
      ["left", 1, "succeeded", B],
      ["plan", 1, "succeeded", A],
    ]);
    const by = Object.fromEntries(attempts.map((a) => [a.key, a]));
    // left and plan were made on different machines; the fold's start merges left with the arena's winner.
    expect(by.left.start_commit).toBe(by.plan.result_commit);
    expect(new Set(await parentsIn(origin, by.fold.start_commit!))).toEqual(new Set([by.left.result_commit, by.arena.result_commit]));
    expect(by.final.start_commit).toBe(by.fold.result_commit);
    // The final commit holds what both machines wrote.
    const files = (await git(origin, "ls-tree", "-r", "--name-only", by.final.result_commit!)).split("\n");
    expect(files.filter((f) => f.startsWith("demo-"))).toHaveLength(5);
    for (const a of attempts) {
      for (const commit of [a.start_commit, a.result_commit]) expect(commit && (await inOrigin(commit)), `${a.key} ${commit}`).toBe(true);
    }
    // Published under Baton's namespace only: origin's branch list is as it was.
    const refs = (await git(origin, "for-each-ref", "--format=%(refname)")).split("\n").sort();
    expect(refs.filter((r) => !r.startsWith(`refs/baton/${runId}/`))).toEqual(["refs/heads/main"]);
    expect(refs.filter((r) => r.startsWith(`refs/baton/${runId}/`)).map((r) => r.split("/").pop())).toEqual(
      ["arena.0-1", "arena.1-1", "base", "final-1", "fold-1", "left-1", "plan-1"],
    );
    expect(await git(origin, "rev-parse", `refs/baton/${runId}/final-1`)).toBe(by.final.result_commit);
    // Each machine removes its own worktrees of the ended run, whichever worker ended it.
    await waitFor(
      async () => (["A", "B"] as const).every((name) => !fs.existsSync(path.join(dir, `data-${name}`, "worktrees", runId))),
      30_000,
      "both workers' worktrees of the run removed",
    );
    // The process that started the run ran no step: its clone fetches what the run's result needs.
    expect(await git(server, "cat-file", "-t", by.final.result_commit!).catch(() => "missing")).toBe("missing");
    const { result } = await computeRunResultOrThrow(db.orm, runId);
    expect(result).toMatchObject({ state: "ready", repo: server, commit: by.final.result_commit });
  });

  it("a failed agent fold re-run on the other worker restores its recorded start commit (a merge made on the first)", async () => {
    const runId = await startRun(alternatingFlow("fold fails once", { failTimes: 1 }));
    expect(await finished(runId)).toBe("failed");
    const [failed] = (await attemptsOf(runId)).filter((a) => a.key === "fold");
    expect(failed).toMatchObject({ attempt: 1, state: "failed", worker_id: workers.B!.id });
    const merge = failed.start_commit!;
    expect(await parentsIn(origin, merge)).toHaveLength(2);
    // A has never seen the merge: it was made in B's clone and only pushed to origin.
    expect(await git(clones.A, "cat-file", "-t", merge).catch(() => "missing")).toBe("missing");

    const run = await getRunOrThrow(db.orm, runId);
    const fold = run.steps.find((s) => s.key === "fold")!;
    await rerunStepOrThrow(db, runId, fold.id, { profile: "demo-a" });
    expect(await finished(runId)).toBe("succeeded");
    const again = (await attemptsOf(runId)).filter((a) => a.key === "fold" || a.key === "final");
    expect(again.map((a) => [a.key, a.attempt, a.state, a.worker_id])).toEqual([
      ["final", 1, "succeeded", workers.A!.id],
      ["fold", 1, "failed", workers.B!.id],
      ["fold", 2, "succeeded", workers.A!.id],
    ]);
    const rerun = again.find((a) => a.key === "fold" && a.attempt === 2)!;
    expect(rerun.start_commit).toBe(merge);
    expect(await parentsIn(clones.A, rerun.result_commit!)).toEqual([merge]);
    for (const a of await attemptsOf(runId)) {
      for (const commit of [a.start_commit, a.result_commit]) expect(commit && (await inOrigin(commit)), `${a.key}#${a.attempt} ${commit}`).toBe(true);
    }
  });

  it("SIGKILL of a worker mid-step: the other worker fetches the start commit the dead one made and finishes the run", async () => {
    const runId = await startRun({
      name: "crash",
      inputs: [],
      nodes: [
        agent("p", "demo-b"),
        // Holds B's single slot while k runs on A.
        agent("slow", "demo-b", { options: { chunks: 6, delayMs: 400 } }),
        agent("a1", "demo-a"),
        agent("k", "demo-c", { options: { chunks: 10, delayMs: 300 } }),
        agent("z", "demo-b"),
      ],
      edges: [
        { from: "p", to: "slow" },
        { from: "p", to: "a1" },
        { from: "a1", to: "k" },
        { from: "k", to: "z" },
        { from: "slow", to: "z" },
      ],
    });
    const victim = workers.A!;
    await waitFor(
      async () => {
        const [k] = await rows<{ state: string; worker: string | null; chunks: number }>(
          db.orm,
          sql`select s.state, s.lease_owner as worker,
                (select count(*)::int from step_events e where e.step_id = s.id and e.type = 'text-chunk') as chunks
              from steps s where s.run_id = ${runId} and s.key = 'k'`,
        );
        return k.state === "running" && k.chunks > 0 ? k : null;
      },
      30_000,
      "k running on A with some output",
    );
    await victim.stop("SIGKILL");
    workers.A = null;
    expect(await finished(runId)).toBe("succeeded");
    const attempts = await attemptsOf(runId);
    const by = (key: string, attempt = 1) => attempts.find((a) => a.key === key && a.attempt === attempt)!;
    expect(by("a1").worker_id).toBe(victim.id);
    expect(by("k")).toMatchObject({ state: "failed", worker_id: victim.id });
    expect(by("k", 2)).toMatchObject({ state: "succeeded", worker_id: workers.B!.id, start_commit: by("a1").result_commit });
    expect(by("z").start_commit).not.toBeNull();
    expect(new Set(await parentsIn(origin, by("z").start_commit!))).toEqual(new Set([by("k", 2).result_commit, by("slow").result_commit]));
    for (const a of attempts.filter((x) => x.state === "succeeded")) expect(await inOrigin(a.result_commit!), a.key).toBe(true);
  });
});
