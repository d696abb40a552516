/**
 * The run page offers no action the server refuses (Chromium, demo agents, the example repo):
 * - "Re-run with changes…" only on steps that run an agent prompt — an agent and a fold
 *   "agent", never a check or a fold "concat" (the server refuses a prompt there).
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { unique } from "./pages/flow-fixtures";
import { createFlow, RunPage, startRunByApi } from "./pages/run-page";

async function runDetail(request: APIRequestContext, runId: string) {
  const response = await request.get(`/api/runs/${runId}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as { status: string; steps: Array<{ id: string; key: string }> };
}

test("Re-run with changes is offered only where a prompt or profile can change: not on a check or a concat fold", async ({ page, request }) => {
  const flowId = await createFlow(request, {
    name: unique("E2E rerun changes"),
    inputs: [{ name: "task", required: true }],
    nodes: [
      { id: "edit", kind: "agent", config: { profile: "demo", prompt: "{{inputs.task}}", workspace: "code" } },
      { id: "look", kind: "check", config: { command: ["git", "status", "--short"] } },
      { id: "join", kind: "fold", config: { mode: "concat" } },
      { id: "sum", kind: "fold", config: { mode: "agent", profile: "demo", prompt: "Sum up: {{steps.join.output}}" } },
    ],
    edges: [
      { from: "edit", to: "look" },
      { from: "edit", to: "join" },
      { from: "look", to: "join" },
      { from: "join", to: "sum" },
    ],
  });
  const runId = await startRunByApi(request, flowId);
  const run = new RunPage(page);
  await run.goto(runId);
  await run.expectStatus("succeeded", 60_000);

  const offered: Record<string, number> = {};
  for (const key of ["edit", "look", "join", "sum"]) {
    await run.selectStep(key);
    // Every finished step offers Re-run from here: the panel's actions are there.
    await expect(run.panel().getByTestId("rerun-from-here")).toBeEnabled();
    offered[key] = await run.panel().getByTestId("rerun-with-changes").count();
  }
  expect(offered).toEqual({ edit: 1, look: 0, join: 0, sum: 1 });

  // Where it is offered, it opens on what the step runs now.
  await run.selectStep("sum");
  await run.panel().getByTestId("rerun-with-changes").click();
  const dialog = page.getByTestId("rerun-changes-dialog");
  await expect(dialog.getByTestId("rerun-prompt")).toHaveValue("Sum up: {{steps.join.output}}");
  await expect(dialog.getByTestId("rerun-profile")).toHaveValue("demo");

  // The server refuses what the page doesn't offer.
  const steps = (await runDetail(request, runId)).steps;
  for (const key of ["look", "join"]) {
    const step = steps.find((s) => s.key === key)!;
    const refused = await request.post(`/api/runs/${runId}/steps/${step.id}/rerun`, { data: { prompt: "another" } });
    expect(refused.status()).toBe(400);
    expect(await refused.text()).toContain(`step \\"${key}\\" (${key === "look" ? "check" : "fold"}) runs no agent prompt`);
  }
});
