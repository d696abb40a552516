/**
 * Live runs end to end on the embedded default (PGlite, in-process worker, demo agent):
 * streaming output, diffs, a failing step and its one-click re-run, cancel, approval, a
 * manual arena, and the history filters. Flows are created through the API; everything a
 * user does goes through the pages.
 */
import { execFileSync } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import { createFlow, exampleRepo, RunPage, startRunByApi } from "./pages/run-page";

const SHOTS = process.env.BATON_E2E_SHOTS_DIR ?? "test-results/runs-screens";

const streamingFlow = {
  name: "E2E streaming and re-run",
  inputs: [{ name: "task", required: true }],
  nodes: [
    {
      id: "plan",
      kind: "agent",
      position: { x: 0, y: 0 },
      config: { profile: "demo", prompt: "Plan: {{inputs.task}}", workspace: "code", options: { delayMs: 700, chunks: 8 } },
    },
    { id: "flaky", kind: "agent", position: { x: 300, y: 0 }, config: { profile: "demo", prompt: "Build on {{steps.plan.output}}", workspace: "code", options: { failTimes: 1 } } },
    { id: "after", kind: "agent", position: { x: 600, y: 0 }, config: { profile: "demo", prompt: "Finish {{steps.flaky.output}}", workspace: "code" } },
  ],
  edges: [
    { from: "plan", to: "flaky" },
    { from: "flaky", to: "after" },
  ],
};

test.describe("live runs", () => {
  test("run from the editor: output streams, diffs show, a failed step re-runs green", async ({ page, request }) => {
    const flowId = await createFlow(request, streamingFlow);
    await page.goto(`/flows/${flowId}`);
    await expect(page.getByTestId("flow-editor")).toBeVisible();
    await page.getByTestId("run-button").click();
    const dialog = page.getByTestId("run-dialog");
    await expect(dialog).toBeVisible();
    await dialog.getByTestId("run-input-task").fill("add a greeting");
    // The dialog offers the example repo when nothing was remembered.
    await expect(dialog.getByTestId("run-repo")).toHaveValue(await exampleRepo(request));
    await dialog.getByTestId("run-submit").click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    const run = new RunPage(page);
    await expect(page.getByTestId("run-page")).toBeVisible();

    // Streaming: text shows while the step is still running (8 chunks × 700 ms).
    await expect(run.panel()).toHaveAttribute("data-step-key", "plan");
    await expect(run.panel().getByTestId("step-output")).not.toBeEmpty({ timeout: 15_000 });
    await expect(run.panel().getByTestId("state-badge").first()).toHaveAttribute("data-state", "running");
    await expect(run.bars("plan").first()).toHaveAttribute("data-live", "true");
    await page.screenshot({ path: `${SHOTS}/run-streaming.png` });

    // The failing step fails, its descendant is skipped, the run fails.
    await run.expectStatus("failed");
    await expect(run.nodeState("flaky")).toContainText("failed");
    await expect(run.nodeState("after")).toContainText("skipped");

    // One click re-runs the failed step; the run goes green with both attempts on the timeline.
    await run.selectStep("flaky");
    await expect(run.panel().getByTestId("step-error")).toBeVisible();
    await run.panel().getByTestId("rerun-step").click();
    await run.expectStatus("succeeded");
    await expect(run.bars("flaky")).toHaveCount(2);
    await expect(run.bars("flaky").first()).toHaveAttribute("data-state", "failed");
    await expect(run.bars("flaky").last()).toHaveAttribute("data-state", "succeeded");
    await expect(run.nodeState("after")).toContainText("succeeded");
    await page.screenshot({ path: `${SHOTS}/run-finished.png` });
    await page.getByTestId("timeline").screenshot({ path: `${SHOTS}/timeline.png` });

    // Earlier attempts stay selectable.
    await run.panel().getByTestId("attempt-1").click();
    await expect(run.panel()).toHaveAttribute("data-attempt", "1");
    await expect(run.panel().getByTestId("step-error")).toBeVisible();

    // Diffs: the code step's change is listed per file, unified and split.
    await run.selectStep("plan");
    await expect(run.panel().getByTestId("diff-file").first()).toBeVisible();
    await run.panel().getByTestId("diff-mode-split").click();
    await expect(run.panel().getByTestId("diff-file").first()).toBeVisible();
    await expect(run.bars("plan").first().locator("xpath=following-sibling::span[1]").getByTestId("timeline-diffstat")).toBeVisible();
  });

  test("cancel a hanging run", async ({ page, request }) => {
    const flowId = await createFlow(request, {
      name: "E2E hang",
      inputs: [{ name: "task" }],
      nodes: [{ id: "stuck", kind: "agent", config: { profile: "demo", prompt: "wait", workspace: "none", options: { hang: true } } }],
      edges: [],
    });
    const runId = await startRunByApi(request, flowId);
    const run = new RunPage(page);
    await run.goto(runId);
    await run.expectStatus("running");
    await expect(run.bars("stuck").first()).toHaveAttribute("data-live", "true");
    await page.getByTestId("cancel-run").click();
    await run.expectStatus("canceled");
    await expect(run.nodeState("stuck")).toContainText("canceled");
  });

  test("approve an approval step after reviewing its diff", async ({ page, request }) => {
    const flowId = await createFlow(request, {
      name: "E2E approval",
      inputs: [{ name: "task" }],
      nodes: [
        { id: "write", kind: "agent", config: { profile: "demo", prompt: "write {{inputs.task}}", workspace: "code" } },
        { id: "gate", kind: "approval", config: { message: "Ship it?" } },
        { id: "ship", kind: "agent", config: { profile: "demo", prompt: "ship {{steps.write.output}}", workspace: "code" } },
      ],
      edges: [
        { from: "write", to: "gate" },
        { from: "gate", to: "ship" },
      ],
    });
    const runId = await startRunByApi(request, flowId);
    const run = new RunPage(page);
    await run.goto(runId);
    await expect(run.nodeState("gate")).toContainText("waiting", { timeout: 30_000 });
    await page.getByTestId("node-gate").click();
    const approval = run.panel().getByTestId("approval-panel");
    await expect(approval).toContainText("Ship it?");
    await expect(approval.getByTestId("review-file").first()).toBeVisible();
    await approval.getByTestId("approve-step").click();
    await run.expectStatus("succeeded");
  });

  test("pick the winner of a manual arena", async ({ page, request }) => {
    const flowId = await createFlow(request, {
      name: "E2E manual arena",
      inputs: [{ name: "task" }],
      nodes: [
        {
          id: "build",
          kind: "arena",
          config: {
            prompt: "build {{inputs.task}}",
            workspace: "code",
            contestants: [{ profile: "demo", options: { text: "Contestant zero's answer" } }, { profile: "demo", options: { text: "Contestant one's answer" } }],
            select: { mode: "manual" },
          },
        },
        { id: "use", kind: "fold", config: { mode: "concat" } },
      ],
      edges: [{ from: "build", to: "use" }],
    });
    const runId = await startRunByApi(request, flowId);
    const run = new RunPage(page);
    await run.goto(runId);
    await expect(run.nodeState("build")).toContainText("waiting", { timeout: 30_000 });
    await page.getByTestId("node-build").click();
    const picker = run.panel().getByTestId("pick-winner-panel");
    await expect(picker.getByTestId("contestant-card")).toHaveCount(2);
    await expect(picker).toContainText("Contestant zero's answer");
    await expect(picker).toContainText("Contestant one's answer");
    await page.screenshot({ path: `${SHOTS}/manual-arena.png` });
    await picker.getByTestId("pick-build#1").click();
    await run.expectStatus("succeeded");
    await expect(page.locator('[data-testid="timeline-lane"][data-node="build"]').getByTestId("timeline-winner")).toHaveCount(1);
  });

  test("filter the run history by flow and status", async ({ page, request }) => {
    const quick = await createFlow(request, {
      name: "E2E history quick",
      inputs: [{ name: "task" }],
      nodes: [{ id: "only", kind: "agent", config: { profile: "demo", prompt: "hi", workspace: "none" } }],
      edges: [],
    });
    const hang = await createFlow(request, {
      name: "E2E history hang",
      inputs: [{ name: "task" }],
      nodes: [{ id: "only", kind: "agent", config: { profile: "demo", prompt: "hi", workspace: "none", options: { hang: true } } }],
      edges: [],
    });
    const done = await startRunByApi(request, quick);
    const hanging = await startRunByApi(request, hang);
    await page.goto("/runs");
    await expect(page.getByTestId("runs-page")).toBeVisible();
    const rows = page.getByTestId("run-row");
    await expect(page.locator(`[data-testid="run-row"][data-run-id="${done}"]`)).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });

    await page.getByTestId("filter-flow").selectOption(hang);
    await expect(page).toHaveURL(new RegExp(`flowId=${hang}`));
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute("data-run-id", hanging);

    // Live: cancel by API; the row's status changes without a reload.
    const cancel = await request.post(`/api/runs/${hanging}/cancel`, { data: {} });
    expect(cancel.status(), await cancel.text()).toBeLessThan(300);
    await expect(rows.first()).toHaveAttribute("data-status", "canceled", { timeout: 30_000 });

    await page.getByTestId("filter-flow").selectOption("");
    await page.getByTestId("filter-status").selectOption("canceled");
    await expect(page).toHaveURL(/status=canceled/);
    await expect(page.locator(`[data-testid="run-row"][data-run-id="${hanging}"]`)).toBeVisible();
    await expect(page.locator(`[data-testid="run-row"][data-run-id="${done}"]`)).toHaveCount(0);
    for (const status of await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-status")))) expect(status).toBe("canceled");

    await page.getByTestId("run-link").first().click();
    await expect(page).toHaveURL(/\/runs\/[^/?]+$/);
  });
  test("check out a step's result as a branch from the step panel", async ({ page, request }) => {
    test.setTimeout(180_000);
    const flowId = await createFlow(request, {
      name: "E2E check out",
      inputs: [{ name: "task" }],
      nodes: [{ id: "write", kind: "agent", config: { profile: "demo", prompt: "write {{inputs.task}}", workspace: "code" } }],
      edges: [],
    });
    const repo = await exampleRepo(request);
    const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" }).trim();
    const branchesBefore = git("for-each-ref", "refs/heads/");
    const runId = await startRunByApi(request, flowId);
    const run = new RunPage(page);
    await run.goto(runId);
    await run.expectStatus("succeeded", 90_000);
    // The run added no branch: its result is under refs/baton/.
    expect(git("for-each-ref", "refs/heads/")).toBe(branchesBefore);
    await run.selectStep("write");
    await expect(run.panel().getByTestId("step-ref")).toContainText(`refs/baton/${runId}/write-1`);
    await run.panel().getByTestId("checkout-branch").click();
    const form = run.panel().getByTestId("checkout-branch-form");
    const name = form.getByTestId("checkout-branch-name");
    await expect(name).toHaveValue("baton/write-1");
    // A name git refuses is explained before anything is sent.
    await name.fill("bad..name");
    await expect(form.getByTestId("checkout-branch-problem")).toContainText('must not contain ".."');
    await expect(form.getByTestId("checkout-branch-submit")).toBeDisabled();
    const branch = `e2e/checkout-${runId}`;
    await name.fill(branch);
    await form.getByTestId("checkout-branch-submit").click();
    await expect(form.getByTestId("checkout-branch-done")).toContainText(`Created branch ${branch}`);
    await page.screenshot({ path: `${SHOTS}/checkout-branch.png` });
    expect(git("rev-parse", `refs/heads/${branch}`)).toBe(git("rev-parse", `refs/baton/${runId}/write-1`));
    // The same name again: the server's 409 is shown inline.
    await form.getByTestId("checkout-branch-submit").click();
    await expect(form.getByTestId("action-error")).toContainText(`a branch named "${branch}" already exists`);
    git("branch", "-D", branch);
  });
});
