/**
 * The fix loop in Chromium on the embedded default (demo agent, the example repo): added from
 * the palette after a node, its form names bad fields, then a run shows each round on the
 * timeline (agent part, check part with its exit code) and in the step panel (answer, diff,
 * check output), green on round 2.
 */
import { expect, test } from "@playwright/test";
import { EditorPage } from "./pages/editor-page";
import { createFlowViaApi, unique } from "./pages/flow-fixtures";
import { RunPage } from "./pages/run-page";

const SHOTS = process.env.BATON_E2E_SHOTS_DIR ?? "test-results/loop-screens";

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

  // The timeline: round 1 (agent, red check), round 2 (agent, green check) inside one bar.
  const parts = run.bars("loop").last().getByTestId("timeline-round");
  await expect(parts).toHaveCount(4);
  await expect(parts.nth(1)).toHaveAttribute("data-exit-code", "1");
  await expect(parts.nth(1)).toHaveText("exit 1");
  await expect(parts.nth(3)).toHaveAttribute("data-exit-code", "0");
  await expect(parts.nth(2)).toContainText("R2 +3");

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
