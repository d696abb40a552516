/**
 * Cleanup in Chromium (issue 17 item 4): a finished run's "Delete this run's refs" (asks,
 * then says what went, the refs are gone from the repository, the result card says so
 * instead of offering Merge / Create branch, and merging answers 409), and /settings showing
 * the retention in force with its source and the space runs' refs and worktrees take; a
 * stored value overrides the default until "Use the default".
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createFlow, exampleRepo, RunPage } from "./pages/run-page";

const SHOTS = process.env.BATON_E2E_SHOTS_DIR ?? "test-results/cleanup-screens";

test("delete a run's refs from its page; the retention and the space on /settings", async ({ page, request }) => {
  test.setTimeout(90_000);
  const repo = await exampleRepo(request);
  const flowId = await createFlow(request, {
    name: "E2E cleanup",
    inputs: [],
    nodes: [{ id: "edit", kind: "agent", config: { profile: "demo", prompt: "change something", workspace: "code" } }],
    edges: [],
  });
  const started = await request.post(`/api/flows/${flowId}/runs`, { data: { inputs: {}, repo, keepWorktrees: true } });
  expect(started.status(), await started.text()).toBeLessThan(300);
  const runId = ((await started.json()) as { id: string }).id;

  await page.goto("/settings");
  const current = page.getByTestId("retention-current");
  await expect(current).toHaveAttribute("data-source", "default");
  await expect(current).toContainText("30 days ago or earlier");
  await page.getByTestId("retention-days").fill("5");
  await page.getByTestId("retention-save").click();
  await expect(current).toHaveAttribute("data-source", "setting");
  await expect(current).toHaveAttribute("data-days", "5");
  await expect(current).toContainText("set on this page");

  const run = new RunPage(page);
  await run.goto(runId);
  await run.expectStatus("succeeded", 60_000);
  await page.goto("/settings");
  const repoRow = page.locator(`[data-testid="storage-repo"][data-repo="${repo}"]`);
  await expect(repoRow).not.toHaveAttribute("data-refs", "0");
  await expect(page.getByTestId("storage-worktrees")).not.toHaveAttribute("data-runs", "0");
  await page.screenshot({ path: path.join(SHOTS, "settings-storage.png") });
  await page.getByTestId("retention-reset").click();
  await expect(current).toHaveAttribute("data-source", "default");

  await run.goto(runId);
  const card = page.getByTestId("result-card");
  await expect(card).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("result-merge")).toBeVisible();
  await page.getByTestId("delete-run-refs").click();
  await expect(page.getByTestId("run-refs-confirm")).toContainText(`refs/baton/${runId}/*`);
  await page.getByTestId("run-refs-confirm-yes").click();
  // The step's attempt ref, and whatever else the run pinned under refs/baton/<run>/.
  await expect(page.getByTestId("run-refs-deleted")).toHaveText(/^Deleted [1-9]\d* refs? and 1 worktree$/);
  // The result card no longer offers Merge / Create branch: it says why.
  await expect(card).toHaveAttribute("data-state", "none");
  await expect(page.getByTestId("result-reason")).toContainText("this run's refs were deleted");
  await expect(page.getByTestId("result-merge")).toHaveCount(0);
  await expect(page.getByTestId("result-branch-name")).toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, "run-refs-deleted.png") });
  const merge = await request.post(`/api/runs/${runId}/result/merge`, { data: {} });
  expect(merge.status()).toBe(409);
  expect(await merge.text()).toContain("this run's refs were deleted");
  const refsLeft = execFileSync("git", ["for-each-ref", "--format=%(refname)", `refs/baton/${runId}/`], { cwd: repo, encoding: "utf8" });
  expect(refsLeft).toBe("");
});
