/**
 * The designer's tools (issue 16 item 7): copy/paste/duplicate/select-all, the shortcuts sheet,
 * node search in the palette, labelled fields, a diff between saved versions, and the message
 * naming the version a save made.
 */
import { expect, test } from "@playwright/test";
import type { FlowDocument } from "../lib/flow/document";
import { EditorPage } from "./pages/editor-page";
import { chain, createFlowViaApi, unique } from "./pages/flow-fixtures";

test.describe("designer tools", () => {
  test("shortcuts sheet; duplicate, select-all, copy and paste keep the group's wiring", async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.goto(await createFlowViaApi(request, chain(unique("Clipboard"))));

    await page.keyboard.press("?");
    const sheet = page.getByTestId("shortcuts-sheet");
    await expect(sheet).toContainText("Duplicate the selected nodes");
    await page.keyboard.press("Escape");
    await expect(sheet).toHaveCount(0);
    await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
    await expect(sheet).toBeVisible();
    await sheet.getByRole("button", { name: "Close" }).click();

    // Duplicate b: a sibling reading what b reads (a was not copied: the edge in and the
    // reference to it are kept).
    await editor.select("b");
    await page.keyboard.press("ControlOrMeta+d");
    await expect(editor.field("field-id")).toHaveValue("b2");
    await expect(page.getByTestId("inspector").getByLabel("Prompt")).toHaveValue("{{steps.a.output}}");
    await expect(editor.edge("a", "b2")).toBeAttached();
    await expect(editor.edge("b2", "c")).toHaveCount(0);

    // Everything, copied and pasted: fresh ids, the edges between copies, prompts re-pointed at the copies.
    await page.keyboard.press("ControlOrMeta+a");
    await expect(page.locator(".react-flow__node.selected")).toHaveCount(4);
    await page.keyboard.press("ControlOrMeta+c");
    await page.keyboard.press("ControlOrMeta+v");
    await expect(editor.nodes()).toHaveCount(8);
    await expect(page.locator(".react-flow__node.selected")).toHaveCount(4);
    for (const [from, to] of [["a2", "b3"], ["b3", "c2"], ["a2", "b4"]]) await expect(editor.edge(from, to)).toBeAttached();
    await expect(editor.edges()).toHaveCount(6);
    await expect(page.getByTestId("issue-count")).toHaveText("valid");
    // (A click on one node of a selection keeps the selection: clear it first.)
    await page.getByTestId("canvas").click({ position: { x: 20, y: 20 } });
    await editor.select("b3");
    await expect(page.getByTestId("inspector").getByLabel("Prompt")).toHaveValue("{{steps.a2.output}}");

    // A paste is one undo step.
    await page.getByTestId("canvas").click({ position: { x: 20, y: 20 } });
    await page.keyboard.press("ControlOrMeta+z");
    await expect(editor.nodes()).toHaveCount(4);
  });

  test("palette search adds by keyboard; fields are named by their labels; saving names the version", async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.goto(await createFlowViaApi(request, chain(unique("Search"))));

    // The flow's inputs are labelled.
    await expect(page.getByTestId("flow-inspector").getByLabel("Input name")).toHaveValue("task");

    // Added from the search, after the selected node like a click.
    await editor.select("c");
    await page.keyboard.press("/");
    const search = page.getByLabel("Add node");
    await expect(search).toBeFocused();
    await search.fill("appr");
    await expect(page.getByTestId("palette").getByRole("button")).toHaveCount(1);
    await search.press("Enter");
    await expect(editor.field("field-id")).toHaveValue("approval");
    await expect(editor.edge("c", "approval")).toBeAttached();
    await expect(page.getByTestId("inspector").getByLabel("Message")).toHaveValue("Review the changes before continuing.");

    // "ag": Agent, then Arena ("2–5 agents") and Fix loop ("An agent works"); ↓ picks Arena.
    await search.fill("ag");
    await expect(page.getByTestId("palette").getByRole("button")).toHaveCount(3);
    await search.press("ArrowDown");
    await search.press("Enter");
    await expect(editor.field("field-id")).toHaveValue("arena");
    await expect(editor.edge("approval", "arena")).toBeAttached();
    await search.fill("nothing like it");
    await expect(page.getByTestId("palette-no-match")).toBeVisible();

    const inspector = page.getByTestId("inspector");
    await inspector.getByLabel("Label", { exact: true }).fill("race");
    await expect(editor.node("arena")).toContainText("race");
    await expect(inspector.getByLabel("Timeout (s)")).toBeEmpty();

    // Run saves first; the status names the version. The run dialog's inputs are labelled.
    await page.getByTestId("run-button").click();
    await expect(page.getByTestId("save-notice")).toContainText("Saved as v2");
    const dialog = page.getByTestId("run-dialog");
    await dialog.getByLabel("task").fill("Fix the bug");
    await expect(dialog.getByLabel("Base ref")).toBeVisible();
    await dialog.getByRole("button", { name: "Cancel" }).click();
  });

  test("history compares two saved versions: nodes, edges and fields added, removed, changed", async ({ page, request }) => {
    const editor = new EditorPage(page);
    const v1 = chain(unique("Diff"));
    const id = await createFlowViaApi(request, v1);
    const v2: FlowDocument = {
      ...v1,
      nodes: [
        v1.nodes[0],
        { id: "b", kind: "agent", position: { x: 320, y: 0 }, config: { profile: "demo", prompt: "Review {{steps.a.output}}" } },
        { id: "d", kind: "approval", position: { x: 640, y: 0 }, config: {} },
      ],
      edges: [
        { from: "a", to: "b" },
        { from: "b", to: "d" },
      ],
    };
    expect((await request.put(`/api/flows/${id}`, { data: { document: v2, baseVersion: 1, message: "approve" } })).status()).toBe(200);

    await editor.goto(id);
    await page.getByTestId("history-button").click();
    const dialog = page.getByTestId("versions-dialog");
    await expect(dialog.getByTestId("version-2")).toContainText("approve");
    await dialog.getByLabel("Compare with").selectOption("1");
    const diff = dialog.getByTestId("version-diff");
    await expect(diff).toContainText("Changes from v1 to v2");
    await expect(diff.getByTestId("diff-node-added-d")).toBeVisible();
    await expect(diff.getByTestId("diff-node-removed-c")).toBeVisible();
    await expect(diff.getByTestId("diff-node-changed-b").getByTestId("diff-change")).toHaveAttribute("data-path", "config.prompt");
    await expect(diff.getByTestId("diff-node-changed-b")).toContainText("Review {{steps.a.output}}");
    await expect(diff.getByTestId("diff-edge-added-b->d")).toBeVisible();
    await expect(diff.getByTestId("diff-edge-removed-b->c")).toBeVisible();
    await expect(diff.getByTestId("diff-node-changed-a")).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath("version-diff.png") });
    // Back to the graph of the picked version.
    await dialog.getByLabel("Compare with").selectOption("");
    await expect(dialog.getByTestId("version-preview").locator(".react-flow__node")).toHaveCount(3);
  });
});
