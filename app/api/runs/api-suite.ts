/**
 * The Run API tests, shared by the PGlite (embedded) and Postgres suites. Each suite sets
 * BATON_DATA_DIR / DATABASE_URL before importing this module, so the routes' appDb() and
 * the in-process embedded worker (the real dispatcher + engine) use that database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const flowsRoute = await import("../flows/route");
const flowRunsRoute = await import("../flows/[id]/runs/route");
const runsRoute = await import("./route");
const runRoute = await import("./[id]/route");
const cancelRoute = await import("./[id]/cancel/route");
const rerunRunRoute = await import("./[id]/rerun/route");
const rerunStepRoute = await import("./[id]/steps/[stepId]/rerun/route");
const approveRoute = await import("./[id]/steps/[stepId]/approve/route");
const selectRoute = await import("./[id]/steps/[stepId]/select/route");
const branchRoute = await import("./[id]/steps/[stepId]/branch/route");
const { createRepo, git, makeTempDir } = await import("@/lib/git/test-repos");
const { rm } = await import("node:fs/promises");
const { appDb } = await import("@/lib/app-db");
const { startEmbeddedWorker, stopEmbeddedWorker } = await import("@/lib/dispatch/embedded");

type Json = Record<string, unknown>;
interface StepJson {
  id: string;
  key: string;
  state: string;
  attempt: number;
  output: string | null;
  error: string | null;
  winner: string | null;
  attempts: Array<{ attempt: number; state: string; error: string | null }>;
}
interface RunJson {
  id: string;
  status: string;
  error: string | null;
  finishedAt: string | null;
  parentRunId: string | null;
  steps: StepJson[];
}

const ctx = <P>(params: P) => ({ params: Promise.resolve(params) });
const post = (body?: unknown) =>
  new Request("http://127.0.0.1/api", {
    method: "POST",
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
const get = (url = "http://127.0.0.1/api") => new Request(url);

async function createFlow(document: Json): Promise<string> {
  const response = await flowsRoute.POST(post(document), ctx({} as Record<string, never>));
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function startRun(flowId: string, body: Json): Promise<RunJson> {
  const response = await flowRunsRoute.POST(post(body), ctx({ id: flowId }));
  expect(response.status).toBe(201);
  return (await response.json()) as RunJson;
}

async function readRun(id: string): Promise<RunJson> {
  const response = await runRoute.GET(get(), ctx({ id }));
  expect(response.status).toBe(200);
  return (await response.json()) as RunJson;
}

/** Polls until `check` holds; the embedded worker runs the steps meanwhile. */
async function until(id: string, check: (run: RunJson) => boolean, label: string): Promise<RunJson> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = await readRun(id);
    if (check(run)) return run;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}; run is ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
const finished = (run: RunJson) => run.finishedAt !== null;
const step = (run: RunJson, key: string) => run.steps.find((s) => s.key === key)!;

export function defineRunApiSuite(driver: string): void {
  describe(`Run API on ${driver} with the embedded worker`, () => {
    beforeAll(async () => {
      await appDb();
      expect(await startEmbeddedWorker()).not.toBeNull();
    });
    afterAll(async () => {
      await stopEmbeddedWorker();
      await (await appDb()).close();
    });

    it("create flow → run → succeeded with all outputs, listed with counts", async () => {
      const flowId = await createFlow({
        name: "api run",
        inputs: [{ name: "task", required: true }],
        nodes: [
          { id: "plan", kind: "agent", config: { profile: "demo", prompt: "Plan {{inputs.task}}" } },
          { id: "build", kind: "agent", config: { profile: "demo", prompt: "Build {{steps.plan.output}}" } },
          { id: "sum", kind: "fold", config: { mode: "concat" } },
        ],
        edges: [
          { from: "plan", to: "build" },
          { from: "build", to: "sum" },
        ],
      });
      const started = await startRun(flowId, { inputs: { task: "greet" } });
      const run = await until(started.id, finished, "the run to finish");
      expect(run.status).toBe("succeeded");
      expect(run.steps.map((s) => [s.key, s.state, s.attempt])).toEqual([
        ["plan", "succeeded", 1],
        ["build", "succeeded", 1],
        ["sum", "succeeded", 1],
      ]);
      expect(step(run, "plan").output).toContain("Task: Plan greet");
      expect(step(run, "sum").output).toContain(step(run, "build").output!.trim());
      const list = (await (await runsRoute.GET(get(`http://127.0.0.1/api/runs?flow=${flowId}`), ctx({} as Record<string, never>))).json()) as {
        runs: Array<{ id: string; flowName: string; counts: { total: number; succeeded: number } }>;
      };
      expect(list.runs).toEqual([expect.objectContaining({ id: run.id, flowName: "api run", counts: expect.objectContaining({ total: 3, succeeded: 3 }) })]);
    });

    it("failTimes: 1 fails the run and skips descendants; rerun of the step succeeds with attempts 1 and 2", async () => {
      const flowId = await createFlow({
        name: "api fail",
        inputs: [],
        nodes: [
          { id: "a", kind: "agent", config: { profile: "demo", prompt: "a" } },
          { id: "b", kind: "agent", config: { profile: "demo", prompt: "b {{steps.a.output}}", options: { failTimes: 1 } } },
          { id: "c", kind: "agent", config: { profile: "demo", prompt: "c {{steps.b.output}}" } },
        ],
        edges: [
          { from: "a", to: "b" },
          { from: "b", to: "c" },
        ],
      });
      const started = await startRun(flowId, { inputs: {} });
      let run = await until(started.id, finished, "the run to fail");
      expect(run.status).toBe("failed");
      expect(step(run, "b")).toMatchObject({ state: "failed", error: expect.stringContaining("scripted failure on attempt 1") });
      expect(step(run, "c").state).toBe("skipped");
      const rerun = await rerunStepRoute.POST(post(), ctx({ id: run.id, stepId: step(run, "b").id }));
      expect(rerun.status).toBe(200);
      run = await until(run.id, (r) => finished(r) && r.status !== "failed", "the re-run to finish");
      expect(run.status).toBe("succeeded");
      expect(step(run, "a").attempts.map((a) => a.attempt)).toEqual([1]);
      expect(step(run, "b").attempts.map((a) => [a.attempt, a.state])).toEqual([
        [1, "failed"],
        [2, "succeeded"],
      ]);
      expect(step(run, "c").state).toBe("succeeded");
      const whole = await rerunRunRoute.POST(post({ version: "current" }), ctx({ id: run.id }));
      expect(whole.status).toBe(201);
      expect(((await whole.json()) as RunJson).parentRunId).toBe(run.id);
    });

    it("cancel stops a hanging step and ends the run canceled", async () => {
      const flowId = await createFlow({
        name: "api hang",
        inputs: [],
        nodes: [{ id: "hang", kind: "agent", config: { profile: "demo", prompt: "wait", options: { hang: true } } }],
        edges: [],
      });
      const started = await startRun(flowId, { inputs: {} });
      await until(started.id, (r) => step(r, "hang").state === "running", "the step to start");
      const wholeWhileRunning = await rerunRunRoute.POST(post({}), ctx({ id: started.id }));
      expect(wholeWhileRunning.status).toBe(409);
      expect(((await wholeWhileRunning.json()) as { error: string }).error).toMatch(/is still running/);
      const requested = Date.now();
      const response = await cancelRoute.POST(post(), ctx({ id: started.id }));
      expect(response.status).toBe(200);
      const run = await until(started.id, finished, "the canceled step to stop");
      console.log(`[${driver}] cancel → hanging step stopped in ${Date.now() - requested} ms`);
      expect(run.status).toBe("canceled");
      expect(step(run, "hang").state).toBe("canceled");
      const again = await cancelRoute.POST(post(), ctx({ id: started.id }));
      expect(again.status).toBe(409);
    });

    it("approval and manual select over HTTP", async () => {
      const flowId = await createFlow({
        name: "api people",
        inputs: [],
        nodes: [
          { id: "arena", kind: "arena", config: { prompt: "go", contestants: [{ profile: "demo" }, { profile: "demo" }], select: { mode: "manual" } } },
          { id: "ok", kind: "approval", config: {} },
        ],
        edges: [{ from: "arena", to: "ok" }],
      });
      const started = await startRun(flowId, { inputs: {} });
      let run = await until(started.id, (r) => r.status === "waiting", "the select to wait");
      const badWinner = await selectRoute.POST(post({ winner: 7 }), ctx({ id: run.id, stepId: "arena" }));
      expect(badWinner.status).toBe(400);
      const refusal = (await badWinner.json()) as { error: string; issues: Array<{ path: string; message: string }> };
      expect(refusal.issues).toEqual([{ path: "winner", message: '"7" is not a contestant of "arena" (contestants: arena#0, arena#1)' }]);
      const wholeWhileWaiting = await rerunRunRoute.POST(post({}), ctx({ id: run.id }));
      expect(wholeWhileWaiting.status).toBe(409);
      expect(((await wholeWhileWaiting.json()) as { error: string }).error).toMatch(/is still waiting; cancel it or wait for it to end/);
      const noWinner = await selectRoute.POST(post({}), ctx({ id: run.id, stepId: "arena" }));
      expect(noWinner.status).toBe(400);
      expect(((await noWinner.json()) as { issues: Array<{ path: string }> }).issues[0].path).toBe("winner");
      expect((await selectRoute.POST(post({ winner: 1 }), ctx({ id: run.id, stepId: step(run, "arena").id }))).status).toBe(200);
      run = await until(run.id, (r) => step(r, "ok").state === "waiting", "the approval to wait");
      expect(step(run, "arena").winner).toBe("arena#1");
      expect((await approveRoute.POST(post(), ctx({ id: run.id, stepId: "ok" }))).status).toBe(200);
      run = await until(run.id, finished, "the run to finish");
      expect(run.status).toBe("succeeded");
    });

    it("checks out a step's result as a branch on request: 201, then 409 for the same name, 400 naming `name` for a name git refuses", async () => {
      const dir = await makeTempDir("baton-api-branch");
      try {
        const { repo, commit: base } = await createRepo(`${dir}/repo`, { "README.md": "# r\n" });
        const flowId = await createFlow({
          name: "api branch",
          inputs: [],
          nodes: [{ id: "edit", kind: "agent", config: { profile: "demo", prompt: "change a file", workspace: "code" } }],
          edges: [],
        });
        const branchesBefore = await git(repo, "branch", "--list");
        const started = await startRun(flowId, { inputs: {}, repo });
        const run = await until(started.id, finished, "the run to finish");
        expect(run.status).toBe("succeeded");
        // The run left no branch behind; its result is under refs/baton/.
        expect(await git(repo, "branch", "--list")).toBe(branchesBefore);
        const edit = step(run, "edit") as StepJson & { resultCommit: string; branch: string };
        expect(edit.branch).toBe(`refs/baton/${run.id}/edit-1`);
        expect(edit.resultCommit).not.toBe(base);

        const created = await branchRoute.POST(post({ name: "feature/from-baton" }), ctx({ id: run.id, stepId: edit.id }));
        expect(created.status).toBe(201);
        expect(await created.json()).toEqual({ branch: "feature/from-baton", commit: edit.resultCommit, repo });
        expect(await git(repo, "rev-parse", "refs/heads/feature/from-baton")).toBe(edit.resultCommit);
        // The user's checkout is untouched.
        expect(await git(repo, "rev-parse", "HEAD")).toBe(base);

        const again = await branchRoute.POST(post({ name: "feature/from-baton" }), ctx({ id: run.id, stepId: "edit" }));
        expect(again.status).toBe(409);
        expect(((await again.json()) as { error: string }).error).toBe('name: a branch named "feature/from-baton" already exists');
        const nested = await branchRoute.POST(post({ name: "feature/from-baton/more" }), ctx({ id: run.id, stepId: "edit" }));
        expect(nested.status).toBe(409);
        expect(((await nested.json()) as { error: string }).error).toMatch(/the branch "feature\/from-baton" exists/);

        for (const name of ["bad..name", "-x", "with space", "a.lock", "HEAD", "x@{1}", "", "trailing/"]) {
          const bad = await branchRoute.POST(post({ name }), ctx({ id: run.id, stepId: edit.id }));
          expect(bad.status, name).toBe(400);
          const body = (await bad.json()) as { error: string; issues: Array<{ path: string }> };
          expect(body.issues[0].path, name).toBe("name");
          expect(body.error, name).toMatch(/not a valid branch name/);
        }
        expect((await branchRoute.POST(post({}), ctx({ id: run.id, stepId: edit.id }))).status).toBe(400);
        expect((await branchRoute.POST(post({ name: "ok", attempt: 7 }), ctx({ id: run.id, stepId: edit.id }))).status).toBe(400);
        expect((await branchRoute.POST(post({ name: "ok" }), ctx({ id: run.id, stepId: "nope" }))).status).toBe(404);
        expect(await git(repo, "branch", "--list", "ok")).toBe("");
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("answers 400 naming the field, 404 for unknown ids, 409 for bad states", async () => {
      const flowId = await createFlow({
        name: "api errors",
        inputs: [{ name: "task", required: true }],
        nodes: [{ id: "a", kind: "agent", config: { profile: "demo", prompt: "{{inputs.task}}", options: { hang: true } } }],
        edges: [],
      });
      const missing = await flowRunsRoute.POST(post({ inputs: {} }), ctx({ id: flowId }));
      expect(missing.status).toBe(400);
      expect(((await missing.json()) as { issues: Array<{ path: string }> }).issues[0].path).toBe("inputs.task");
      const unknown = await flowRunsRoute.POST(post({ inputs: { task: "x", nope: "y" } }), ctx({ id: flowId }));
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as { error: string }).error).toMatch(/unknown input "nope"/);
      const badVersion = await flowRunsRoute.POST(post({ inputs: { task: "x" }, version: "two" }), ctx({ id: flowId }));
      expect(((await badVersion.json()) as { issues: Array<{ path: string }> }).issues[0].path).toBe("version");
      const relative = await flowRunsRoute.POST(post({ inputs: { task: "x" }, repo: "src/app" }), ctx({ id: flowId }));
      expect(relative.status).toBe(400);
      expect((await flowRunsRoute.POST(post({ inputs: {} }), ctx({ id: "flow_nope" }))).status).toBe(404);
      expect((await runRoute.GET(get(), ctx({ id: "run_nope" }))).status).toBe(404);
      expect((await runsRoute.GET(get("http://127.0.0.1/api/runs?status=weird"), ctx({} as Record<string, never>))).status).toBe(400);
      const started = await startRun(flowId, { inputs: { task: "x" } });
      const running = await until(started.id, (r) => step(r, "a").state === "running", "the step to start");
      const rerun = await rerunStepRoute.POST(post(), ctx({ id: running.id, stepId: step(running, "a").id }));
      expect(rerun.status).toBe(409);
      expect(((await rerun.json()) as { error: string }).error).toMatch(/cannot re-run a running step/);
      expect((await rerunStepRoute.POST(post(), ctx({ id: running.id, stepId: "step_nope" }))).status).toBe(404);
      expect((await approveRoute.POST(post(), ctx({ id: running.id, stepId: "a" }))).status).toBe(409);
      expect((await cancelRoute.POST(post(), ctx({ id: running.id }))).status).toBe(200);
      await until(started.id, finished, "the canceled run to finish");
    });
  });
}
