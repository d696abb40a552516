/**
 * From a run to merged code, in Chromium: the example flow with a review gate after its plan
 * runs on the bundled example repo; the reviewer comments on a line of the plan's diff and
 * requests changes; round 2 of the plan shows on the timeline with its comment; the reviewer
 * approves; the run finishes; "Merge into main" on the result card merges it (a merge commit:
 * the user committed to main meanwhile), and `git log` of the example repo shows the merge.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { EXAMPLE_FLOW } from "../lib/flow/example";

const SHOTS = process.env.BATON_E2E_SHOTS_DIR ?? "test-results/review-result-screens";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=E2E User", "-c", "user.email=e2e@example.com", ...args], { cwd, encoding: "utf8" }).trim();

/** The example flow with an approval between its plan and its build arena. */
const GATED_EXAMPLE = {
  ...EXAMPLE_FLOW,
  name: "Example with a review gate",
  nodes: [
    ...EXAMPLE_FLOW.nodes.map((node) => (node.id === "plan" ? node : { ...node, position: { x: node.position!.x + 320, y: node.position!.y } })),
    { id: "gate", kind: "approval", position: { x: 320, y: 120 }, config: { message: "Is the plan good?" } },
  ],
  edges: [
    { from: "plan", to: "gate" },
    { from: "gate", to: "build" },
    { from: "build", to: "summary" },
  ],
};

async function exampleRepo(request: APIRequestContext): Promise<string> {
  const body = (await (await request.get("/api/settings")).json()) as { exampleRepo: string | null };
  expect(typeof body.exampleRepo).toBe("string");
  return body.exampleRepo!;
}

test("comment on a line, request changes, see round 2, approve, merge into main", async ({ page, request }) => {
  test.setTimeout(180_000);
  fs.mkdirSync(SHOTS, { recursive: true });
  const created = await request.post("/api/flows", { data: GATED_EXAMPLE });
  expect(created.status(), await created.text()).toBeLessThan(300);
  const flowId = ((await created.json()) as { id: string }).id;
  const repo = await exampleRepo(request);
  const started = await request.post(`/api/flows/${flowId}/runs`, { data: { inputs: { task: "Add a greeting to the README" }, repo } });
  expect(started.status(), await started.text()).toBeLessThan(300);
  const startedBody = (await started.json()) as { id?: string; run?: { id: string } };
  const runId = startedBody.run?.id ?? startedBody.id!;

  await page.goto(`/runs/${runId}`);
  const status = page.getByTestId("run-status");
  await expect(status).toHaveAttribute("data-status", "waiting", { timeout: 60_000 });
  const panel = page.getByTestId("step-panel");
  await page.locator('[data-testid="timeline-bar"][data-step-key="gate"]').last().click();
  await expect(panel).toHaveAttribute("data-step-key", "gate");
  const approval = page.getByTestId("approval-panel");
  await expect(approval.getByTestId("review-diff")).toBeVisible();
  // The result so far is offered, labelled partial.
  await expect(page.getByTestId("result-partial")).toBeVisible();

  // Comment on line 1 of the plan's file, then request changes.
  await approval.getByTestId("comment-line-1").first().click();
  await approval.getByTestId("comment-text").fill("Name the file you will change.");
  await approval.getByTestId("comment-add").click();
  await expect(approval.getByTestId("draft-comment")).toHaveText(/Name the file you will change\./);
  await page.screenshot({ path: path.join(SHOTS, "1-comment-on-a-line.png"), fullPage: true });
  await approval.getByTestId("request-changes").click();

  // Round 2 of the plan: on the timeline with its comment, and the gate waits again.
  const round = page.locator('[data-testid="timeline-bar"][data-step-key="plan"][data-attempt="2"]');
  await expect(round).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("timeline-review-round")).toContainText("review 1 · 1 comment");
  await expect(status).toHaveAttribute("data-status", "waiting", { timeout: 60_000 });
  await round.click();
  await expect(panel).toHaveAttribute("data-step-key", "plan");
  await expect(panel.getByTestId("review-round")).toContainText("Review round 1");
  await expect(panel.getByTestId("review-round-comment")).toContainText("Name the file you will change.");
  await expect(panel.getByTestId("step-prompt")).toContainText("Review round 1");
  await page.screenshot({ path: path.join(SHOTS, "2-round-two-on-the-timeline.png"), fullPage: true });

  // Approve; the run finishes.
  await page.locator('[data-testid="timeline-bar"][data-step-key="gate"]').last().click();
  await expect(panel).toHaveAttribute("data-step-key", "gate");
  await page.getByTestId("approve-step").click();
  await expect(status).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });

  // The user commits to main meanwhile: the merge is a real merge commit.
  fs.writeFileSync(path.join(repo, `NOTES-${runId}.md`), "the user's own work\n");
  git(repo, "add", `NOTES-${runId}.md`);
  git(repo, "commit", "-q", "-m", "user: notes");
  await page.reload();
  const card = page.getByTestId("result-card");
  await expect(card).toHaveAttribute("data-state", "ready");
  await expect(card.getByTestId("result-partial")).toHaveCount(0);
  await expect(card.getByTestId("result-stats")).toContainText(/in \d+ files/);
  await expect(card.getByTestId("result-merge")).toHaveText("Merge into main");
  await card.getByTestId("result-merge").click();
  await expect(card.getByTestId("result-merged")).toContainText("main is now at");
  await page.screenshot({ path: path.join(SHOTS, "3-merged-into-main.png"), fullPage: true });

  const log = git(repo, "log", "--format=%s", "-3", "main");
  expect(log.split("\n")[0]).toBe(`Merge Baton run ${runId} (Example with a review gate) into main`);
  expect(log).toContain("user: notes");
  expect(git(repo, "status", "--porcelain")).toBe("");
  expect(git(repo, "rev-list", "--parents", "-n", "1", "main").split(" ")).toHaveLength(3);
});
