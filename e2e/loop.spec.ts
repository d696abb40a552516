/**
 * The fix loop in Chromium on the embedded default (demo agent, the example repo): added from
 * the palette after a node, its form names bad fields, then a run shows each round on the
 * timeline (agent part, commit part, check part with its exit code) and in the step panel
 * (answer, diff, check output), green on round 2.
 */
import { expect, test, type Locator } from "@playwright/test";
import { EditorPage } from "./pages/editor-page";
import { createFlowViaApi, unique } from "./pages/flow-fixtures";
import { RunPage, startRunByApi } from "./pages/run-page";

const SHOTS = process.env.BATON_E2E_SHOTS_DIR ?? "test-results/loop-screens";

/** One kind of part (agent, commit, check) of a loop bar's rounds, in round order. */
const roundParts = (bar: Locator, part: "agent" | "commit" | "check") => bar.locator(`[data-testid="timeline-round"][data-part="${part}"]`);

/** Green once the worktree holds two demo files: the demo agent writes one per round. */
const CHECK = ["node", "-e", `const n = require("fs").readdirSync(".").filter((f) => f.startsWith("demo-")).length; console.log("demo files: " + n); process.exit(n >= 2 ? 0 : 1)`];

test("a loop node added in the designer runs red then green, round by round on the timeline and the panel", async ({ page, request }) => {
  test.setTimeout(120_000);
  const editor = new EditorPage(page);
  await editor.goto(
    await createFlowViaApi(request, {
      name: unique("Loop"),
      inputs: [{ name: "task", required: true }],
      // No files from the planner (workspace "none"): the loop's check counts only its own.
      nodes: [{ id: "plan", kind: "agent", position: { x: 0, y: 0 }, config: { profile: "demo", prompt: "Plan {{inputs.task}}", workspace: "none" } }],
      edges: [],
    }),
  );
  await editor.select("plan");
  await editor.addByClick("loop");
  await expect(editor.node("loop")).toBeVisible();
  await expect(editor.edge("plan", "loop")).toHaveCount(1);
  await expect(editor.field("field-id")).toHaveValue("loop");

  // Bad fields are named where they are.
  await editor.field("field-check-command").fill("");
  await expect(page.getByTestId("inspector")).toContainText("the check needs a command");
  await editor.field("field-max-rounds").fill("0");
  await expect(page.getByTestId("inspector")).toContainText("a whole number from 1 to 20");
  await expect(page.getByTestId("run-button")).toBeDisabled();
  await editor.field("field-check-command").fill(CHECK.join("\n"));
  await editor.field("field-max-rounds").fill("3");
  await expect(page.getByTestId("issue-count")).toHaveText("valid");
  await expect(editor.node("loop")).toContainText("≤ 3 rounds");
  await editor.save();
  await editor.expectSaved(2);

  await page.getByTestId("run-button").click();
  const dialog = page.getByTestId("run-dialog");
  await dialog.getByTestId("run-input-task").fill("count files");
  await dialog.getByTestId("run-submit").click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  const run = new RunPage(page);
  await run.expectStatus("succeeded", 60_000);

  // The timeline: round 1 (agent, commit, red check), round 2 (agent, commit, green check) inside one bar.
  const bar = run.bars("loop").last();
  await expect(bar.getByTestId("timeline-round")).toHaveCount(6);
  const checks = roundParts(bar, "check");
  await expect(checks.nth(0)).toHaveAttribute("data-exit-code", "1");
  await expect(checks.nth(0)).toHaveText("exit 1");
  await expect(checks.nth(1)).toHaveAttribute("data-exit-code", "0");
  await expect(roundParts(bar, "agent").nth(1)).toContainText("R2 +3");

  // The panel: each round's answer, diff and check output; the last one open.
  await run.selectStep("loop");
  const rounds = run.panel().getByTestId("loop-round");
  await expect(rounds).toHaveCount(2);
  await expect(rounds.nth(0).getByTestId("round-verdict")).toContainText("exit 1");
  await expect(rounds.nth(1).getByTestId("round-verdict")).toContainText("exit 0");
  await expect(rounds.nth(1).getByTestId("round-output")).toContainText("Turn 2 of this session");
  await expect(rounds.nth(1).getByTestId("round-check-output")).toContainText("demo files: 2");
  await expect(rounds.nth(1).getByTestId("round-diffstat")).toHaveText("+3 −0");
  await rounds.nth(0).locator("summary").click();
  await expect(rounds.nth(0).getByTestId("round-check-output")).toContainText("demo files: 1");
  await page.screenshot({ path: `${SHOTS}/loop-run.png`, fullPage: true });
});

test("each round's commit is its own part of the loop's bar, with how long it took", async ({ page, request }) => {
  test.setTimeout(90_000);
  const flowId = await createFlowViaApi(request, {
    name: unique("Loop commits"),
    inputs: [{ name: "task", required: true }],
    nodes: [{ id: "fix", kind: "loop", position: { x: 0, y: 0 }, config: { profile: "demo", prompt: "Fix {{inputs.task}}", check: { command: CHECK }, maxRounds: 3 } }],
    edges: [],
  });
  // On the example repository (as the run dialog does): every round commits what it changed.
  const run = new RunPage(page);
  await run.goto(await startRunByApi(request, flowId, "count files"));
  await run.expectStatus("succeeded", 60_000);

  const bar = run.bars("fix").last();
  // Per round: the agent's turn, then its commit, then the check — in time order.
  const order = await bar.getByTestId("timeline-round").evaluateAll((parts) => parts.map((p) => `${p.getAttribute("data-round")}:${p.getAttribute("data-part")}`));
  expect(order).toEqual(["1:agent", "1:commit", "1:check", "2:agent", "2:commit", "2:check"]);
  const commits = roundParts(bar, "commit");
  await expect(commits).toHaveCount(2);
  const title = await bar.getAttribute("title");
  for (const round of [1, 2]) {
    const commit = commits.nth(round - 1);
    await expect(commit).toHaveAttribute("data-round", String(round));
    await expect(commit).toHaveAttribute("data-live", "false");
    // Its label and the bar's tooltip say how long the commit took.
    await expect(commit).toHaveText(/^commit \d+(\.\d)?m?s$/);
    const took = (await commit.textContent())!.replace("commit ", "");
    expect(title).toContain(`round ${round} committing: ${took}`);
    // It starts where the round's agent part ends (no commit time counted as the agent's).
    const [agentBox, commitBox, checkBox] = await Promise.all([roundParts(bar, "agent").nth(round - 1), commit, roundParts(bar, "check").nth(round - 1)].map((l) => l.boundingBox()));
    expect(Math.abs(commitBox!.x - (agentBox!.x + agentBox!.width))).toBeLessThan(2);
    expect(checkBox!.x).toBeGreaterThanOrEqual(commitBox!.x);
  }
  await page.screenshot({ path: `${SHOTS}/loop-commits.png`, fullPage: true });
});
