/**
 * The run page offers no action the server refuses (Chromium, demo agents, the example repo):
 * - "Re-run with changes…" only on steps that run an agent prompt — an agent and a fold
 *   "agent", never a check or a fold "concat" (the server refuses a prompt there);
 * - once the run's refs are deleted, Re-run step / from here / with changes, Review changes and
 *   Check out as a branch stay on the page disabled, with the date they were deleted; the
 *   server answers each with 409 and the same reason. Re-running the whole run still works;
 * - a re-run the engine refuses right now (the run is still running) is disabled with its
 *   reason until it isn't, and a skipped step offers none (its failed upstream step is re-run).
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { utcMinute } from "../lib/runs/refs-deleted";
import { unique } from "./pages/flow-fixtures";
import { createFlow, RunPage, startRunByApi } from "./pages/run-page";

async function runDetail(request: APIRequestContext, runId: string) {
  const response = await request.get(`/api/runs/${runId}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as { status: string; refsDeletedAt: string | null; steps: Array<{ id: string; key: string; attempt: number }> };
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

test("after 'Delete this run's refs' its step actions are disabled with the date, and the server refuses them with 409", async ({ page, request }) => {
  const flowId = await createFlow(request, {
    name: unique("E2E refs deleted"),
    inputs: [{ name: "task", required: true }],
    nodes: [
      { id: "edit", kind: "agent", config: { profile: "demo", prompt: "{{inputs.task}}", workspace: "code" } },
      { id: "verify", kind: "check", config: { command: ["git", "no-such-subcommand"] } },
    ],
    edges: [{ from: "edit", to: "verify" }],
  });
  const runId = await startRunByApi(request, flowId);
  const run = new RunPage(page);
  await run.goto(runId);
  await run.expectStatus("failed", 60_000);

  // Before: everything is offered.
  await run.selectStep("verify");
  await expect(run.panel().getByTestId("rerun-step")).toBeEnabled();
  await run.selectStep("edit");
  const panel = run.panel();
  for (const action of ["rerun-from-here", "rerun-with-changes", "review-changes", "checkout-branch"]) await expect(panel.getByTestId(action)).toBeEnabled();
  await expect(panel.getByTestId("refs-deleted-note")).toHaveCount(0);

  await page.getByTestId("delete-run-refs").click();
  await page.getByTestId("run-refs-confirm-yes").click();
  await expect(page.getByTestId("run-refs-deleted")).toBeVisible();
  const deletedAt = (await runDetail(request, runId)).refsDeletedAt;
  expect(deletedAt).not.toBeNull();
  const when = `This run's refs were deleted on ${utcMinute(deletedAt!)}`;

  // After, on this page and on a fresh load of it: still there, disabled, and why.
  for (const fresh of [false, true]) {
    if (fresh) await run.goto(runId);
    await run.selectStep("edit");
    await expect(panel.getByTestId("refs-deleted-note")).toContainText(`${when}: its commits are no longer kept, so its steps can't be re-run, reviewed or checked out as a branch.`);
    for (const action of ["rerun-from-here", "rerun-with-changes", "review-changes", "checkout-branch"]) {
      await expect(panel.getByTestId(action)).toBeDisabled();
      await expect(panel.getByTestId(action)).toHaveAttribute("title", /^this run's refs were deleted on /);
    }
    await run.selectStep("verify");
    await expect(panel.getByTestId("rerun-step")).toBeDisabled();
    await expect(panel.getByTestId("refs-deleted-note")).toContainText(when);
    await expect(page.getByTestId("result-reason")).toContainText("this run's refs were deleted on");
  }

  // The server says the same, with 409.
  const steps = (await runDetail(request, runId)).steps;
  const edit = steps.find((s) => s.key === "edit")!;
  const verify = steps.find((s) => s.key === "verify")!;
  const refusals = [
    await request.post(`/api/runs/${runId}/steps/${verify.id}/rerun`, { data: {} }),
    await request.post(`/api/runs/${runId}/steps/${edit.id}/rerun`, { data: { prompt: "again" } }),
    await request.post(`/api/runs/${runId}/steps/${edit.id}/branch`, { data: { name: `baton/after-${runId}` } }),
    await request.post(`/api/runs/${runId}/steps/${edit.id}/review`, { data: { decision: "request-changes", reason: "again" } }),
  ];
  for (const response of refusals) {
    expect(response.status()).toBe(409);
    expect(await response.text()).toContain(`this run's refs were deleted on ${utcMinute(deletedAt!)}: its commits are no longer kept`);
  }
  expect((await runDetail(request, runId)).status).toBe("failed");

  // A whole re-run starts from the run's base, not from its commits: still offered, and it runs.
  await expect(page.getByTestId("rerun-run")).toBeEnabled();
  await page.getByTestId("rerun-run").click();
  await page.waitForURL((url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(runId));
  await run.expectStatus("failed", 60_000);
  await run.selectStep("edit");
  await expect(run.panel().getByTestId("rerun-from-here")).toBeEnabled();
  await expect(run.panel().getByTestId("refs-deleted-note")).toHaveCount(0);
});

test("a re-run the engine would refuse is disabled with its reason while the run runs; a skipped step offers none", async ({ page, request }) => {
  const flowId = await createFlow(request, {
    name: unique("E2E rerun while running"),
    inputs: [{ name: "task", required: true }],
    nodes: [
      // About ten seconds of streaming: the run is still running when the check has failed.
      { id: "slow", kind: "agent", config: { profile: "demo", prompt: "{{inputs.task}}", options: { delayMs: 1000, chunks: 10 } } },
      { id: "verify", kind: "check", config: { command: ["git", "no-such-subcommand"] } },
      { id: "after", kind: "agent", config: { profile: "demo", prompt: "after {{steps.verify.output}}" } },
    ],
    edges: [{ from: "verify", to: "after" }],
  });
  const runId = await startRunByApi(request, flowId);
  const run = new RunPage(page);
  await run.goto(runId);
  await expect(run.nodeState("verify")).toContainText("failed", { timeout: 30_000 });
  await run.expectStatus("running");
  await run.selectStep("verify");
  const panel = run.panel();
  await expect(panel.getByTestId("rerun-step")).toBeDisabled();
  await expect(panel.getByTestId("rerun-refused")).toHaveText("Can't re-run now: the run is running; re-run a step once the run has finished or is waiting.");
  const verify = (await runDetail(request, runId)).steps.find((s) => s.key === "verify")!;
  const refused = await request.post(`/api/runs/${runId}/steps/${verify.id}/rerun`, { data: {} });
  expect(refused.status()).toBe(409);
  expect(await refused.text()).toContain("the run is running; re-run a step once the run has finished or is waiting");

  // Once the run is over it is offered, and a skipped step offers nothing.
  await run.expectStatus("failed", 60_000);
  await expect(panel.getByTestId("rerun-step")).toBeEnabled();
  await expect(panel.getByTestId("rerun-refused")).toHaveCount(0);
  // Never attempted, so no bar on the timeline: picked on the graph.
  await run.node("after").click();
  await expect(panel).toHaveAttribute("data-step-key", "after");
  await expect(panel.getByTestId("step-actions").getByRole("button")).toHaveCount(0);
  const after = (await runDetail(request, runId)).steps.find((s) => s.key === "after")!;
  const skipped = await request.post(`/api/runs/${runId}/steps/${after.id}/rerun`, { data: {} });
  expect(skipped.status()).toBe(409);
  expect(await skipped.text()).toContain(`step \\"after\\" was skipped because an upstream step did not succeed; re-run that step instead`);

  await run.selectStep("verify");
  await panel.getByTestId("rerun-step").click();
  // Accepted: a second attempt of the check (it fails again, as scripted).
  await expect.poll(async () => (await runDetail(request, runId)).steps.find((s) => s.key === "verify")!.attempt).toBe(2);
});
