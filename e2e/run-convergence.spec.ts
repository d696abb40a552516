/**
 * The live run page ends where a reload starts: randomized runs (arenas won first, by a judge
 * or by a person; failing steps, retries, one-click re-runs, re-runs with changes, re-runs
 * from a finished step), each watched live from its start; when the run is over, the live
 * page's view (header status and tokens, node states, timeline bars, winner marks, each
 * step's state, output and usage) must equal a freshly loaded page's, and the API's.
 *
 * Seeded: BATON_E2E_SEED reproduces a sequence (the seed is printed); BATON_E2E_RUNS sets
 * how many runs.
 */
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { captureRunView, createFlow, RunPage, startRunByApi } from "./pages/run-page";
import type { RunStatus, StepState } from "../lib/contract/run";
import { rerunRefusal } from "../lib/engine/rerun-rule";

const SEED = Number(process.env.BATON_E2E_SEED ?? Date.now() % 1_000_000);
const RUNS = Number(process.env.BATON_E2E_RUNS ?? 10);

/** mulberry32: a small seeded generator, so a failing sequence can be replayed. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof generator>;

function demoOptions(rng: Rng, failing: number) {
  return { delayMs: rng.int(0, 120), chunks: rng.int(1, 6), ...(failing > 0 ? { failTimes: failing } : {}) };
}

/** A random flow: a chain of agents, or an arena (first / judge / manual) feeding an agent. */
function randomFlow(rng: Rng, index: number): Record<string, unknown> {
  const shape = rng.pick(["chain", "arena-first", "arena-judge", "arena-manual"] as const);
  const workspace = rng.pick(["code", "none"] as const);
  if (shape === "chain") {
    return {
      name: `Convergence ${index} chain`,
      inputs: [{ name: "task" }],
      nodes: [
        { id: "plan", kind: "agent", config: { profile: "demo", prompt: "Plan {{inputs.task}}", workspace, options: demoOptions(rng, rng.pick([0, 0, 1])), retries: rng.int(0, 1) } },
        { id: "build", kind: "agent", config: { profile: "demo", prompt: "Build {{steps.plan.output}}", workspace, options: demoOptions(rng, rng.int(0, 2)), retries: rng.int(0, 1) } },
      ],
      edges: [{ from: "plan", to: "build" }],
    };
  }
  const mode = shape.slice("arena-".length);
  const contestants = Array.from({ length: rng.int(2, 3) }, () => ({ profile: "demo", options: demoOptions(rng, rng.pick([0, 0, 1])) }));
  return {
    name: `Convergence ${index} ${shape}`,
    inputs: [{ name: "task" }],
    nodes: [
      { id: "race", kind: "arena", config: { prompt: "Race {{inputs.task}}", workspace, contestants, select: mode === "judge" ? { mode, profile: "demo" } : { mode } } },
      { id: "use", kind: "agent", config: { profile: "demo", prompt: "Use {{steps.race.output}}", workspace, options: demoOptions(rng, rng.pick([0, 1])) } },
    ],
    edges: [{ from: "race", to: "use" }],
  };
}

interface ApiStep {
  id: string;
  key: string;
  nodeId: string;
  role: string;
  kind: string;
  state: StepState;
  dependsOn: string[];
  spec: { select?: { mode?: string } };
  winner: string | null;
}

/** Whether the page offers a re-run of this step now: the engine's rule, as the page applies it. */
function rerunnable(run: ApiRun, step: ApiStep): boolean {
  const view = (s: ApiStep) => ({ key: s.key, role: s.role, state: s.state, dependsOn: s.dependsOn, ...(s.spec.select?.mode ? { selectMode: s.spec.select.mode } : {}) });
  const byKey = new Map(run.steps.map((s) => [s.key, view(s)]));
  return rerunRefusal(run.status as RunStatus, view(step), (key) => byKey.get(key), byKey.values()) === null;
}
interface ApiRun {
  status: string;
  usage: { totalTokens?: number; inputTokens?: number; outputTokens?: number };
  steps: ApiStep[];
}

async function apiRun(request: APIRequestContext, runId: string): Promise<ApiRun> {
  // A loaded machine resets a kept-alive connection now and then: one more try.
  const response = await request.get(`/api/runs/${runId}`).catch(() => request.get(`/api/runs/${runId}`));
  expect(response.status()).toBe(200);
  const body = (await response.json()) as ApiRun & { run?: ApiRun };
  return body.run ? { ...body.run, steps: body.steps ?? body.run.steps } : body;
}

const TERMINAL = ["succeeded", "failed", "canceled"];
const settled = (run: ApiRun) => TERMINAL.includes(run.status) && !run.steps.some((s) => s.state === "running" || s.state === "ready");

/**
 * Acts on the run the way a person would, through the page, until it is over: picks a
 * winner when an arena waits, re-runs failed steps (sometimes with a changed prompt), and
 * once re-runs a finished step "from here".
 */
async function drive(page: Page, request: APIRequestContext, runId: string, rng: Rng, log: string[]): Promise<void> {
  const run = new RunPage(page);
  let reruns = 0;
  let rerunFromHere = rng.chance(0.4);
  // Generous: on a loaded 2-core host a code step takes ~10 s and a run may need four re-runs.
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const state = await apiRun(request, runId);
    const waitingSelect = state.steps.find((s) => s.role === "select" && s.state === "waiting");
    if (waitingSelect) {
      const candidates = state.steps.filter((s) => s.nodeId === waitingSelect.nodeId && s.role === "contestant" && s.state === "succeeded");
      const winner = rng.pick(candidates);
      log.push(`pick ${winner.key}`);
      await run.node(waitingSelect.nodeId).click();
      const picker = run.panel().getByTestId("pick-winner-panel");
      await picker.getByTestId(`pick-${winner.key}`).click();
      await expect.poll(async () => (await apiRun(request, runId)).steps.find((s) => s.id === waitingSelect.id)?.state, { timeout: 15_000 }).not.toBe("waiting");
      continue;
    }
    if (!settled(state)) {
      await page.waitForTimeout(200);
      continue;
    }
    // A failed contestant of an arena another contestant already won is not offered a re-run.
    const failed = state.steps.filter((s) => s.state === "failed" && s.role !== "select" && rerunnable(state, s));
    if (state.status !== "succeeded" && failed.length > 0 && reruns < 4) {
      reruns++;
      const step = rng.pick(failed);
      await run.selectStep(step.key);
      if (step.kind === "agent" && rng.chance(0.3)) {
        log.push(`rerun ${step.key} with changes`);
        await run.panel().getByTestId("rerun-with-changes").click();
        const dialog = page.getByTestId("rerun-changes-dialog");
        const prompt = dialog.getByTestId("rerun-prompt");
        await prompt.fill(`${await prompt.inputValue()} (again)`);
        await dialog.getByTestId("rerun-changes-submit").click();
        await expect(dialog).toBeHidden();
      } else {
        log.push(`rerun ${step.key}`);
        await run.panel().getByTestId("rerun-step").click();
      }
      await expect.poll(async () => settled(await apiRun(request, runId)), { timeout: 15_000 }).toBe(false).catch(() => undefined);
      continue;
    }
    if (state.status === "succeeded" && rerunFromHere) {
      rerunFromHere = false;
      const candidates = state.steps.filter((s) => s.state === "succeeded" && s.role !== "select" && rerunnable(state, s));
      const step = rng.pick(candidates);
      log.push(`rerun from ${step.key}`);
      await run.selectStep(step.key);
      await run.panel().getByTestId("rerun-from-here").click();
      await expect.poll(async () => settled(await apiRun(request, runId)), { timeout: 15_000 }).toBe(false).catch(() => undefined);
      continue;
    }
    return;
  }
  throw new Error(`run ${runId} did not settle within three minutes (${log.join(", ")})`);
}

const tokens = (usage: ApiRun["usage"]) => {
  const total = usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
  return total ? (total >= 10_000 ? `${(total / 1000).toFixed(1)}k` : String(total)) : "—";
};

test("the live run page converges to a reload after randomized runs", async ({ page, context, request }) => {
  test.setTimeout(RUNS * 200_000);
  console.log(`convergence seed ${SEED} (BATON_E2E_SEED=${SEED} replays it), ${RUNS} runs`);
  const rng = generator(SEED);
  for (let index = 0; index < RUNS; index++) {
    const flow = randomFlow(rng, index);
    const flowId = await createFlow(request, flow);
    const runId = await startRunByApi(request, flowId, `task ${index} ${rng.int(0, 9999)}`);
    const log: string[] = [`run ${index} ${flow.name as string} ${runId}`];
    const live = new RunPage(page);
    await live.goto(runId);
    await drive(page, request, runId, rng, log);
    const api = await apiRun(request, runId);
    await test.step(log.join(" · "), async () => {
      await live.expectStatus(api.status, 15_000);
      const fresh = await context.newPage();
      try {
        await new RunPage(fresh).goto(runId);
        await new RunPage(fresh).expectStatus(api.status);
        await expect(fresh.getByTestId("timeline-bar").first()).toBeVisible();
        const reloaded = await captureRunView(fresh);
        // What the API says the page must show.
        expect(reloaded.usage, log.join("\n")).toContain(`tokens ${tokens(api.usage)}`);
        expect(reloaded.winners, log.join("\n")).toEqual(state(api).winners);
        // The live page may finish folding its last events; it must get there on its own.
        const converged = await expect
          .poll(async () => captureRunView(page), { timeout: 4_000 })
          .toEqual(reloaded)
          .then(() => true, () => false);
        // Not there: show how the live page differs.
        if (!converged) expect(await captureRunView(page), log.join("\n")).toEqual(reloaded);
      } finally {
        await fresh.close();
      }
    });
  }
});

function state(api: ApiRun) {
  return { winners: api.steps.flatMap((s) => (s.role === "select" && s.winner ? [s.winner] : [])).sort() };
}
