/**
 * The designer never loses or hides work (issue 16): empty fields are ordinary problems,
 * every problem is listed, a cycle's closing edge is drawn, and text that doesn't parse is
 * shown and blocks saving and running instead of vanishing.
 */
import { expect, test } from "@playwright/test";
import type { FlowDocument } from "../lib/flow/document";
import { EditorPage } from "./pages/editor-page";
import { chain, createFlowViaApi, unique } from "./pages/flow-fixtures";

test.describe("designer: problems are shown, work is kept", () => {
  test("clearing a prompt keeps the form: the empty prompt is an ordinary problem, and typing carries on", async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.goto(await createFlowViaApi(request, chain(unique("Empty prompt"))));
    await editor.select("b");
    await editor.field("field-prompt").fill("");
    await expect(editor.field("field-prompt")).toBeVisible();
    await expect(editor.field("field-raw-config")).toHaveCount(0);
    await expect(page.getByTestId("inspector")).toContainText("prompt must not be empty");
    await expect(editor.issues()).toHaveCount(1);
    await expect(editor.issues().first()).toContainText("prompt must not be empty");
    await expect(page.getByTestId("run-button")).toBeDisabled();
    // The same field takes the next keystrokes.
    await editor.field("field-prompt").pressSequentially("Review {{steps.a.output}}");
    await expect(editor.field("field-prompt")).toHaveValue("Review {{steps.a.output}}");
    await expect(page.getByTestId("issue-count")).toHaveText("valid");
    await expect(page.getByTestId("run-button")).toBeEnabled();
  });

  test("validation lists every problem; a cycle's closing edge is drawn whole and highlighted", async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.goto(await createFlowViaApi(request, chain(unique("Cycle shown"))));
    const looped: FlowDocument = {
      ...chain("Looped"),
      nodes: chain("Looped").nodes.map((n) => (n.kind === "agent" && n.id === "b" ? { ...n, config: { profile: "demo", prompt: "{{steps.ghost.output}}" } } : n)),
      edges: [...chain("Looped").edges, { from: "c", to: "a" }],
    };
    await page.getByTestId("import-button").click();
    await page.getByTestId("import-text").fill(JSON.stringify(looped));
    await page.getByTestId("import-submit").click();
    await expect(editor.issues().filter({ hasText: "cycle: a → b → c → a" })).toHaveCount(1);
    // The cycle does not hide the unknown reference.
    await expect(editor.issues().filter({ hasText: 'unknown step "ghost"' })).toHaveCount(1);
    const back = editor.edge("c", "a");
    await expect(back).toHaveClass(/invalid/);
    // The import's fit animation is over (the editor counts finished layouts).
    await expect(page.getByTestId("flow-editor")).toHaveAttribute("data-layouts-done", "1");
    await expect(page.getByTestId("flow-editor")).toHaveAttribute("data-layout", "idle");
    await expect(editor.edge("a", "b")).not.toHaveClass(/invalid/);
    // Drawn below the cards (not behind them), so it is seen whole.
    const cardBottom = Math.max(...(await Promise.all(["a", "c"].map(async (id) => (await editor.node(id).boundingBox())!))).map((b) => b.y + b.height));
    await page.screenshot({ path: test.info().outputPath("cycle.png") });
    // Deleting the closing edge clears the cycle; the reference problem stays.
    // The middle of the path (its run below the cards), on screen.
    const middle = await back.locator(".baton-edge-path").evaluate((path: SVGPathElement) => {
      const p = path.getPointAtLength(path.getTotalLength() / 2).matrixTransform(path.getScreenCTM()!);
      return { x: p.x, y: p.y };
    });
    expect(middle.y).toBeGreaterThan(cardBottom + 20);
    await page.mouse.click(middle.x, middle.y);
    await expect(back).toHaveClass(/selected/);
    await page.keyboard.press("Delete");
    await expect(editor.issues()).toHaveCount(1);
    await expect(editor.issues().first()).toContainText('unknown step "ghost"');
  });

  test("options JSON that doesn't parse is an error, keeps the flow unsaved and unrunnable, and survives switching nodes", async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.goto(await createFlowViaApi(request, chain(unique("Bad options"))));
    await editor.select("a");
    await editor.field("field-options").fill('{"failTimes": ');
    await expect(editor.field("field-options-error")).toContainText("not valid JSON");
    await expect(page.getByTestId("dirty-indicator")).toBeVisible();
    await expect(page.getByTestId("saved-indicator")).toHaveCount(0);
    await expect(page.getByTestId("run-button")).toBeDisabled();
    await expect(editor.issues().filter({ hasText: "not applied" })).toHaveCount(1);
    await expect(editor.node("a")).toHaveAttribute("data-issues", "1");

    // Another node and back: the text is still there.
    await editor.select("b");
    await editor.select("a");
    await expect(editor.field("field-options")).toHaveValue('{"failTimes": ');
    await expect(editor.field("field-options-error")).toBeVisible();

    // Saving keeps it, as the flow's draft (not a version: runs still use v1).
    await expect(page.getByTestId("save-button")).toHaveText("Save draft");
    await page.keyboard.press("ControlOrMeta+s");
    await expect(page.getByTestId("draft-indicator")).toContainText("runs use v1");
    await expect(page.getByTestId("save-notice")).toContainText("Saved as a draft (1 problem)");
    await expect(page.getByTestId("editor-version")).toHaveText("v1");
    // A reload opens the draft, the text that doesn't parse included.
    await page.reload();
    await editor.waitLoaded();
    await expect(page.getByTestId("draft-banner")).toContainText("runs use v1");
    await editor.select("a");
    await expect(editor.field("field-options")).toHaveValue('{"failTimes": ');
    await expect(editor.field("field-options-error")).toBeVisible();

    await editor.field("field-options").fill('{"failTimes": 1}');
    await expect(editor.field("field-options-error")).toHaveCount(0);
    await expect(page.getByTestId("issue-count")).toHaveText("valid");
    await expect(page.getByTestId("run-button")).toBeEnabled();
    await editor.save();
    await editor.expectSaved(2);
    await expect(page.getByTestId("save-notice")).toContainText("Saved as v2");
    // The version ended the draft.
    await expect(page.getByTestId("draft-banner")).toHaveCount(0);
    await page.reload();
    await editor.waitLoaded();
    await expect(page.getByTestId("draft-banner")).toHaveCount(0);
  });

  test("each arena contestant has its own options", async ({ page, request }) => {
    const editor = new EditorPage(page);
    const doc: FlowDocument = {
      name: unique("Arena options"),
      inputs: [{ name: "task", required: true }],
      nodes: [
        {
          id: "race",
          kind: "arena",
          position: { x: 0, y: 0 },
          config: { prompt: "{{inputs.task}}", contestants: [{ profile: "demo" }, { profile: "demo" }], select: { mode: "first" } },
        },
      ],
      edges: [],
    };
    await editor.goto(await createFlowViaApi(request, doc));
    await editor.select("race");
    await editor.field("contestant-1-options").fill('{"delayMs": 5}');
    await editor.field("contestant-0-options").fill("{oops");
    await expect(editor.field("contestant-0-options-error")).toBeVisible();
    await expect(page.getByTestId("run-button")).toBeDisabled();
    await editor.field("contestant-0-options").fill('{"failTimes": 1}');
    await editor.save();
    await editor.expectSaved(2);
    await page.reload();
    await editor.waitLoaded();
    await editor.select("race");
    expect(JSON.parse(await editor.field("contestant-0-options").inputValue())).toEqual({ failTimes: 1 });
    expect(JSON.parse(await editor.field("contestant-1-options").inputValue())).toEqual({ delayMs: 5 });
  });
});

test.describe("designer: adding nodes", () => {
  test("a click-added node lands free of other cards, connected after the selected node", async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.goto(await createFlowViaApi(request, chain(unique("Click add"))));
    const overlapping = async () => {
      const boxes = await Promise.all((await editor.nodes().all()).map((n) => n.boundingBox()));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [p, q] = [boxes[i]!, boxes[j]!];
          if (p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height) return true;
        }
      }
      return false;
    };
    // After a: a's right is taken by b, so the new node takes the next free row, connected from a.
    await editor.select("a");
    await editor.addByClick("agent");
    await expect(editor.node("agent")).toBeVisible();
    await expect(editor.edge("a", "agent")).toBeAttached();
    await expect(editor.field("field-id")).toHaveValue("agent");
    expect(await overlapping()).toBe(false);
    const a = (await editor.node("a").boundingBox())!;
    const added = (await editor.node("agent").boundingBox())!;
    expect(added.x).toBeGreaterThan(a.x + a.width);
    // The new node is selected, so the next click chains after it.
    await editor.addByClick("check");
    await expect(editor.edge("agent", "check")).toBeAttached();
    // One undo removes the node and its edge together.
    await page.keyboard.press("ControlOrMeta+z");
    await expect(editor.node("check")).toHaveCount(0);
    await expect(editor.edge("agent", "check")).toHaveCount(0);
    // Nothing selected: at the view's centre, never over a card, and not connected; the
    // next clicks chain after it.
    await page.getByTestId("canvas").click({ position: { x: 20, y: 20 } });
    await expect(page.getByTestId("flow-inspector")).toBeVisible();
    for (let i = 0; i < 3; i++) await editor.addByClick("approval");
    await expect(editor.nodes()).toHaveCount(7);
    expect(await overlapping()).toBe(false);
    await expect(editor.edges()).toHaveCount(5);
    await expect(editor.edge("approval", "approval2")).toBeAttached();
    await expect(editor.edge("approval2", "approval3")).toBeAttached();
    await expect(editor.issues()).toHaveCount(1);
    await expect(editor.issues().first()).toContainText("approval node needs at least one incoming edge");
    await page.screenshot({ path: test.info().outputPath("click-add.png") });
  });
});

test.describe("designer: unsaved work is never lost", () => {
  test("links and Back ask first; a crashed tab's work comes back from the browser's copy", async ({ page, context, request }) => {
    const editor = new EditorPage(page);
    const flowId = await createFlowViaApi(request, chain(unique("Guarded")));
    await editor.goto(flowId);
    await editor.select("c");
    await editor.addByClick("approval");
    await expect(editor.node("approval")).toBeVisible();
    await expect(page.getByTestId("dirty-indicator")).toBeVisible();

    // A nav link asks; "stay" keeps the editor and the node.
    let asked = 0;
    page.on("dialog", (dialog) => {
      asked++;
      expect(dialog.message()).toContain("unsaved changes");
      void dialog.dismiss();
    });
    await page.getByTestId("nav-runs").click();
    await expect.poll(() => asked).toBe(1);
    await expect(page).toHaveURL(new RegExp(`/flows/${flowId}$`));
    await expect(editor.node("approval")).toBeVisible();
    // So does Back.
    await page.evaluate(() => history.back());
    await expect.poll(() => asked).toBe(2);
    await expect(page).toHaveURL(new RegExp(`/flows/${flowId}$`));
    await expect(editor.node("approval")).toBeVisible();
    await expect(page.getByTestId("dirty-indicator")).toBeVisible();

    // The tab "crashes": another tab opens the flow and is offered the work.
    await page.waitForTimeout(500);
    const other = await context.newPage();
    const second = new EditorPage(other);
    await second.goto(flowId);
    await expect(other.getByTestId("recovery-banner")).toContainText("Unsaved changes were kept in this browser");
    await expect(second.node("approval")).toHaveCount(0);
    await other.getByTestId("restore-draft").click();
    await expect(second.node("approval")).toBeVisible();
    await expect(second.edge("c", "approval")).toBeAttached();
    await expect(other.getByTestId("dirty-indicator")).toBeVisible();
    await other.screenshot({ path: test.info().outputPath("restored.png") });
    await second.save();
    await second.expectSaved(2);
    // Saved: nothing left to offer.
    await other.reload();
    await second.waitLoaded();
    await expect(other.getByTestId("recovery-banner")).toHaveCount(0);
    await expect(second.node("approval")).toBeVisible();
  });
});
