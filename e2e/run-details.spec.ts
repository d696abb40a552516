/**
 * The run page's details and the history, in Chromium on the embedded default (demo agent):
 * each step's phase live on its panel and timeline bar; an arena opened on its winner with
 * its losers marked, a manual pick's output on the select step and a re-run's new profile on
 * the graph; the history's inputs, ids, re-run marker, search and quick filter changes.
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createFlow, RunPage, startRunByApi } from "./pages/run-page";

const SHOTS = process.env.BATON_E2E_SHOTS_DIR ?? "test-results/runs-screens";

interface StreamedEvent {
  type: string;
  stepId: string | null;
  data: Record<string, unknown>;
}

/** The run's events as the SSE endpoint sends them (the stream ends once the run is over). */
async function runEvents(request: APIRequestContext, runId: string): Promise<StreamedEvent[]> {
  const text = await (await request.get(`/api/runs/${runId}/events`)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice("data: ".length)) as StreamedEvent);
}

async function ensureProfile(request: APIRequestContext, id: string): Promise<void> {
  const response = await request.post("/api/profiles", { data: { id, backend: "demo", label: "Second demo" } });
  expect([201, 409], await response.text()).toContain(response.status());
}

test("a step's phase shows on its panel and its bar, live and after a reload", async ({ page, request }) => {
  test.setTimeout(120_000);
  const flowId = await createFlow(request, {
    name: "E2E phases",
    inputs: [{ name: "task" }],
    nodes: [{ id: "work", kind: "agent", config: { profile: "demo", prompt: "work on {{inputs.task}}", workspace: "code", options: { delayMs: 400, chunks: 40 } } }],
    edges: [],
  });
  const runId = await startRunByApi(request, flowId);
  const run = new RunPage(page);
  await run.goto(runId);
  await expect(run.panel().getByTestId("step-phase")).toHaveAttribute("data-phase", "agent", { timeout: 20_000 });
  await expect(run.panel().getByTestId("step-phase")).toHaveText("agent running");
  await expect(run.bars("work").last()).toHaveAttribute("data-phase", "agent");
  await expect(run.bars("work").last().getByTestId("timeline-phase")).toHaveText("agent running");
  await page.screenshot({ path: `${SHOTS}/run-phase.png` });
  // A fresh load replays the phase from the stored events.
  await page.reload();
  await expect(run.bars("work").last()).toHaveAttribute("data-phase", "agent");
  await expect(run.panel().getByTestId("step-phase")).toHaveText("agent running");
  await run.expectStatus("succeeded", 60_000);
  // Finished: no phase any more.
  await expect(run.panel().getByTestId("step-phase")).toHaveCount(0);
  await expect(page.getByTestId("timeline-phase")).toHaveCount(0);
  // The engine announced every phase of a code step, in order.
  const phases = (await runEvents(request, runId)).filter((e) => e.type === "step-phase").map((e) => e.data.phase);
  expect(phases).toEqual(["preparing", "agent", "committing", "diffing"]);
});

test("arena: opens on its winner, marks the losers, the select shows the pick, a re-run's profile shows on the graph", async ({ page, request }) => {
  test.setTimeout(180_000);
  await ensureProfile(request, "demo-b");
  const flowId = await createFlow(request, {
    name: "E2E arena view",
    inputs: [{ name: "task" }],
    nodes: [
      {
        id: "race",
        kind: "arena",
        config: {
          prompt: "race {{inputs.task}}",
          workspace: "code",
          contestants: [
            { profile: "demo", options: { text: "Answer zero" } },
            { profile: "demo", options: { text: "Answer one" } },
            { profile: "demo", options: { text: "Answer two" } },
          ],
          select: { mode: "manual" },
        },
      },
      { id: "use", kind: "agent", config: { profile: "demo", prompt: "use {{steps.race.output}}", workspace: "code" } },
    ],
    edges: [{ from: "race", to: "use" }],
  });
  const runId = await startRunByApi(request, flowId);
  const run = new RunPage(page);
  await run.goto(runId);
  await expect(run.nodeState("race")).toContainText("waiting", { timeout: 30_000 });
  await run.node("race").click();
  await run.panel().getByTestId("pick-winner-panel").getByTestId("pick-race#2").click();
  await run.expectStatus("succeeded");

  // The arena opens on its winner, not on contestant #0.
  await run.selectStep("use");
  await run.node("race").click();
  await expect(run.panel()).toHaveAttribute("data-step-key", "race#2");
  await expect(run.panel().getByTestId("contestant-verdict")).toHaveAttribute("data-verdict", "winner");
  // Losers are marked on the timeline and on their panel.
  await expect(run.sublane("race#2")).toHaveAttribute("data-winner", "true");
  for (const loser of ["race#0", "race#1"]) {
    await expect(run.sublane(loser)).toHaveAttribute("data-loser", "true");
    await expect(run.sublane(loser).getByTestId("timeline-loser")).toHaveText("lost");
  }
  await run.selectStep("race#0");
  await expect(run.panel().getByTestId("contestant-verdict")).toHaveText("lost to race#2");
  // The select step shows the picked contestant's output.
  await run.selectStep("race");
  await expect(run.panel().getByTestId("step-output")).toContainText("Answer two");
  await page.screenshot({ path: `${SHOTS}/arena-winner.png` });

  // Re-run a contestant and the downstream step with another profile: the graph shows it.
  await run.selectStep("use");
  await run.panel().getByTestId("rerun-with-changes").click();
  const dialog = page.getByTestId("rerun-changes-dialog");
  await dialog.getByTestId("rerun-profile").selectOption("demo-b");
  await dialog.getByTestId("rerun-changes-submit").click();
  await expect(dialog).toBeHidden();
  await expect(run.node("use")).toContainText("demo-b");
  await run.expectStatus("succeeded");
  await run.selectStep("race#1");
  await run.panel().getByTestId("rerun-with-changes").click();
  await dialog.getByTestId("rerun-profile").selectOption("demo-b");
  await dialog.getByTestId("rerun-changes-submit").click();
  await expect(run.node("race")).toContainText("demo · demo-b · demo");
  // A fresh load shows the same.
  await page.reload();
  await expect(run.node("use")).toContainText("demo-b");
  await expect(run.node("race")).toContainText("demo · demo-b · demo");
});

test("history: inputs and ids, a marker for runs that succeeded after a re-run, search, quick filter changes", async ({ page, request }) => {
  test.setTimeout(120_000);
  const token = `needle${Date.now().toString(36)}`;
  const flaky = await createFlow(request, {
    name: "E2E history flaky",
    inputs: [{ name: "task" }],
    nodes: [{ id: "only", kind: "agent", config: { profile: "demo", prompt: "do {{inputs.task}}", workspace: "none", options: { failTimes: 1 } } }],
    edges: [],
  });
  const recovered = await startRunByApi(request, flaky, `fix the ${token} bug`);
  const plain = await startRunByApi(request, flaky, "another task");
  const run = new RunPage(page);
  await run.goto(recovered);
  await run.expectStatus("failed");
  await run.selectStep("only");
  await run.panel().getByTestId("rerun-step").click();
  await run.expectStatus("succeeded");

  await page.goto("/runs");
  const row = (id: string) => page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);
  await expect(row(recovered)).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
  await expect(row(recovered).getByTestId("run-inputs")).toHaveText(`fix the ${token} bug`);
  await expect(row(recovered).getByTestId("run-id")).toHaveText(recovered);
  await expect(row(recovered).getByTestId("rerun-marker")).toBeVisible();
  await expect(row(plain)).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
  await expect(row(plain).getByTestId("rerun-marker")).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/history.png` });

  // Search by a word of the task, then by the run id.
  await page.getByTestId("filter-search").fill(token);
  await expect(page).toHaveURL(new RegExp(`q=${token}`));
  await expect(page.getByTestId("run-row")).toHaveCount(1);
  await expect(page.getByTestId("run-row").first()).toHaveAttribute("data-run-id", recovered);
  await page.getByTestId("filter-search").fill(plain);
  await expect(page.getByTestId("run-row")).toHaveCount(1);
  await expect(page.getByTestId("run-row").first()).toHaveAttribute("data-run-id", plain);
  await page.getByTestId("filter-search").fill("");
  await expect(page).not.toHaveURL(/q=/);

  // Two filters changed in the same moment: both stick.
  await page.evaluate((flowId) => {
    const set = (testId: string, value: string) => {
      const select = document.querySelector<HTMLSelectElement>(`[data-testid="${testId}"]`)!;
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    };
    set("filter-flow", flowId);
    set("filter-status", "failed");
  }, flaky);
  await expect(page).toHaveURL(new RegExp(`flowId=${flaky}`));
  await expect(page).toHaveURL(/status=failed/);
  await expect(page.getByTestId("run-row")).toHaveCount(1);
  await expect(page.getByTestId("run-row").first()).toHaveAttribute("data-run-id", plain);
  await expect(page.getByTestId("filter-flow")).toHaveValue(flaky);
  await expect(page.getByTestId("filter-status")).toHaveValue("failed");
});

