import fs from "node:fs/promises";
import { expect, test, type APIRequestContext } from "@playwright/test";
import type { FlowDocument } from "../lib/flow/document";
import { EditorPage } from "./pages/editor-page";
import { FlowsListPage } from "./pages/flows-list-page";

const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

function chain(name: string): FlowDocument {
  return {
    name,
    inputs: [{ name: "task", required: true }],
    nodes: [
      { id: "a", kind: "agent", position: { x: 0, y: 0 }, config: { profile: "demo", prompt: "{{inputs.task}}" } },
      { id: "b", kind: "agent", position: { x: 320, y: 0 }, config: { profile: "demo", prompt: "{{steps.a.output}}" } },
      { id: "c", kind: "check", position: { x: 640, y: 0 }, config: { command: ["npm", "test"] } },
    ],
    edges: [
      { from: "a", to: "b" },
      { from: "b", to: "c" },
    ],
  };
}

async function createViaApi(request: APIRequestContext, doc: FlowDocument): Promise<string> {
  const response = await request.post("/api/flows", { data: doc });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

test.describe("flows list", () => {
  test("create, rename and delete a flow", async ({ page }) => {
    const list = new FlowsListPage(page);
    const name = unique("List flow");
    await list.goto();
    await list.createEmpty(name);
    const editor = new EditorPage(page);
    await editor.waitLoaded();
    await expect(page.getByTestId("editor-flow-name")).toHaveText(name);
    await expect(editor.node("agent")).toBeVisible();

    await list.goto();
    await expect(list.row(name).getByTestId("flow-nodes")).toHaveText("1");
    await expect(list.row(name).getByTestId("flow-version")).toHaveText("v1");

    const renamed = `${name} renamed`;
    await list.rename(name, renamed);
    await expect(list.row(renamed)).toBeVisible();
    await expect(list.row(renamed).getByTestId("flow-version")).toHaveText("v2");

    await list.remove(renamed);
    await expect(list.row(renamed)).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId("flows-table")).toBeVisible();
    await expect(list.row(renamed)).toHaveCount(0);
  });

  test("import a flow from JSON; an invalid one is refused with its issues", async ({ page }) => {
    const list = new FlowsListPage(page);
    await list.goto();
    await page.getByTestId("import-flow").click();
    await page.getByTestId("import-text").fill('{"name": "x", "nodes": [{"id": "a", "kind": "robot"}]}');
    await expect(page.getByTestId("import-issues")).toContainText('unknown kind "robot"');
    await expect(page.getByTestId("import-submit")).toBeDisabled();
    await page.keyboard.press("Escape");

    const name = unique("Imported");
    await list.importJson(JSON.stringify(chain(name)));
    const editor = new EditorPage(page);
    await editor.waitLoaded();
    await expect(page.getByTestId("editor-flow-name")).toHaveText(name);
    await expect(editor.nodes()).toHaveCount(3);
  });
});

test.describe("editor", () => {
  test("build a flow from scratch, see validation live, save and reload it intact", async ({ page }) => {
    const list = new FlowsListPage(page);
    await list.goto();
    await list.createEmpty(unique("Scratch"));
    const editor = new EditorPage(page);
    await editor.waitLoaded();
    // A new flow is valid, so it can run; the Run flow itself is covered in runs.spec.ts.
    await expect(page.getByTestId("run-button")).toBeEnabled();

    // Add an arena by click and a fold by dragging it from the palette.
    await editor.addByClick("arena");
    await expect(editor.node("arena")).toBeVisible();
    await editor.addByDrag("fold", { x: 700, y: 420 });
    await expect(editor.node("fold")).toBeVisible();

    // A fold with no input is invalid: the issue shows on the node and in the list.
    await expect(editor.node("fold")).toHaveAttribute("data-issues", "1");
    await expect(editor.issues().filter({ hasText: "needs at least one incoming edge" })).toHaveCount(1);

    await editor.layout();
    await editor.connect("agent", "arena");
    await expect(editor.edge("agent", "arena")).toBeAttached();
    await editor.connect("arena", "fold");
    await expect(editor.edge("arena", "fold")).toBeAttached();
    await expect(editor.node("fold")).toHaveAttribute("data-issues", "0");
    await expect(page.getByTestId("issue-count")).toHaveText("valid");
    // Connected, auto-layout lays the chain out left → right.
    await editor.layout();
    const xs = await Promise.all(["agent", "arena", "fold"].map(async (id) => (await editor.node(id).boundingBox())?.x ?? NaN));
    expect(xs[0]).toBeLessThan(xs[1]);
    expect(xs[1]).toBeLessThan(xs[2]);

    // Configure the arena: prompt with an upstream reference, a third contestant, judge select.
    await editor.select("arena");
    await editor.field("field-prompt").fill("Build it: ");
    await editor.field("field-prompt-refs").getByText("{{steps.agent.output}}").click();
    await expect(editor.field("field-prompt")).toHaveValue("Build it: {{steps.agent.output}}");
    await editor.field("add-contestant").click();
    await expect(editor.field("contestant")).toHaveCount(3);
    await editor.field("field-select-mode").selectOption("judge");
    // Judge mode without a judge profile: an issue appears, then clears once one is chosen.
    await expect(editor.node("arena")).toHaveAttribute("data-issues", "1");
    await expect(editor.issues().filter({ hasText: 'needs a judge profile' })).toHaveCount(1);
    await editor.field("field-judge-profile").selectOption("demo");
    await expect(editor.node("arena")).toHaveAttribute("data-issues", "0");

    // Configure the fold as an agent synthesis over the arena's contestants.
    await editor.select("fold");
    await editor.field("field-fold-mode").selectOption("agent");
    await editor.field("field-profile").selectOption("demo");
    await editor.field("field-prompt").fill("Compare {{steps.arena.contestants}}");
    await editor.field("field-timeout").fill("120");
    await expect(page.getByTestId("issue-count")).toHaveText("valid");

    // Agent options as JSON.
    await editor.select("agent");
    await editor.field("field-options").fill('{"failTimes": 1, "delayMs": 5}');
    await expect(page.getByTestId("dirty-indicator")).toBeVisible();

    await page.keyboard.press("ControlOrMeta+s");
    await editor.expectSaved(2);

    await page.reload();
    await editor.waitLoaded();
    await expect(editor.nodes()).toHaveCount(3);
    await expect(editor.edges()).toHaveCount(2);
    await editor.select("arena");
    await expect(editor.field("field-prompt")).toHaveValue("Build it: {{steps.agent.output}}");
    await expect(editor.field("contestant")).toHaveCount(3);
    await expect(editor.field("field-select-mode")).toHaveValue("judge");
    await expect(editor.field("field-judge-profile")).toHaveValue("demo");
    await editor.select("fold");
    await expect(editor.field("field-prompt")).toHaveValue("Compare {{steps.arena.contestants}}");
    await expect(editor.field("field-timeout")).toHaveValue("120");
    await editor.select("agent");
    // jsonb may reorder keys; the content is what must survive.
    expect(JSON.parse(await editor.field("field-options").inputValue())).toEqual({ failTimes: 1, delayMs: 5 });
  });

  test("a cycle-making connection is refused while drawing", async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.goto(await createViaApi(request, chain(unique("Cycle"))));
    await expect(editor.edges()).toHaveCount(2);
    await editor.connect("c", "a", async () => {
      await expect(page.getByTestId("connection-refused")).toContainText("c → a would create a cycle");
    });
    await expect(page.getByTestId("connection-refused")).toHaveCount(0);
    await expect(editor.edges()).toHaveCount(2);
    await expect(page.getByTestId("saved-indicator")).toBeVisible();
    // A legal connection still works.
    await editor.connect("a", "c");
    await expect(editor.edge("a", "c")).toBeAttached();
  });

  test("delete, undo and redo with the keyboard", async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.goto(await createViaApi(request, chain(unique("Undo"))));
    await editor.select("b");
    await page.keyboard.press("Delete");
    await expect(editor.node("b")).toHaveCount(0);
    await expect(editor.edges()).toHaveCount(0);
    // c lost its upstream: "a" is still valid, c is a check (no input needed) → still valid; b's refs are gone with it.
    await expect(page.getByTestId("dirty-indicator")).toBeVisible();
    await page.keyboard.press("ControlOrMeta+z");
    await expect(editor.node("b")).toBeVisible();
    await expect(editor.edges()).toHaveCount(2);
    await expect(page.getByTestId("saved-indicator")).toBeVisible();
    await page.keyboard.press("ControlOrMeta+Shift+z");
    await expect(editor.node("b")).toHaveCount(0);
  });

  test("an edge is picked with a click, deleted with the keyboard, and restored with undo", async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.goto(await createViaApi(request, chain(unique("Edge pick"))));
    const a = (await editor.node("a").boundingBox())!;
    const b = (await editor.node("b").boundingBox())!;
    // Halfway between a's right side and b's left side, 4 px off the line: the hit stroke is wide.
    const onEdge = { x: (a.x + a.width + b.x) / 2, y: a.y + a.height / 2 + 4 };
    await page.mouse.click(onEdge.x, onEdge.y);
    await expect(editor.edge("a", "b")).toHaveClass(/selected/);
    await expect(editor.edge("b", "c")).not.toHaveClass(/selected/);
    await page.keyboard.press("Delete");
    await expect(editor.edge("a", "b")).toHaveCount(0);
    await expect(editor.edges()).toHaveCount(1);
    await expect(editor.nodes()).toHaveCount(3);
    // b's prompt reads a's output, which is no longer upstream of it.
    await expect(editor.issues().filter({ hasText: "steps.a" })).toHaveCount(1);
    await page.keyboard.press("ControlOrMeta+z");
    await expect(editor.edge("a", "b")).toBeAttached();
    await expect(editor.issues()).toHaveCount(0);
    // A click on the empty pane clears the edge's selection.
    await page.mouse.click(onEdge.x, onEdge.y);
    await expect(editor.edge("a", "b")).toHaveClass(/selected/);
    await page.mouse.click(onEdge.x, a.y + a.height + 120);
    await expect(editor.edge("a", "b")).not.toHaveClass(/selected/);
  });

  test("leaving with unsaved changes asks first", async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.goto(await createViaApi(request, chain(unique("Unsaved"))));
    await editor.select("a");
    await editor.field("field-label").fill("changed");
    await expect(page.getByTestId("dirty-indicator")).toBeVisible();
    const dialog = page.waitForEvent("dialog");
    void page.close({ runBeforeUnload: true });
    const prompt = await dialog;
    expect(prompt.type()).toBe("beforeunload");
    await prompt.accept();
  });

  test("renaming a node updates its edges and the references to it", async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.goto(await createViaApi(request, chain(unique("Rename"))));
    await editor.select("a");
    await editor.field("field-id").fill("c");
    await expect(page.getByTestId("inspector")).toContainText('a node "c" already exists');
    await editor.field("field-id").fill("research");
    await editor.field("field-id").press("Enter");
    await expect(editor.node("research")).toBeVisible();
    await expect(editor.edge("research", "b")).toBeAttached();
    await editor.select("b");
    await expect(editor.field("field-prompt")).toHaveValue("{{steps.research.output}}");
    await expect(page.getByTestId("issue-count")).toHaveText("valid");
  });

  test("saving an invalid flow keeps it as a draft, never as a version", async ({ page, request }) => {
    const editor = new EditorPage(page);
    const id = await createViaApi(request, chain(unique("Invalid")));
    await editor.goto(id);
    await editor.select("b");
    await editor.field("field-prompt").fill("{{inputs.missing}}");
    await expect(editor.issues()).toHaveCount(1);
    await editor.issues().first().click();
    await expect(editor.field("field-id")).toHaveValue("b");
    await editor.save();
    await expect(page.getByTestId("draft-indicator")).toBeVisible();
    await expect(page.getByTestId("editor-version")).toHaveText("v1");
    // The server has the draft with its problem; the version runs use is unchanged.
    const flow = (await (await request.get(`/api/flows/${id}`)).json()) as { version: number; draft: { issues: Array<{ path: string; message: string }> } };
    expect(flow.version).toBe(1);
    expect(flow.draft.issues).toEqual([expect.objectContaining({ path: "nodes[1].config.prompt", message: expect.stringContaining('unknown input "missing"') })]);
  });

  test("a stale save gets a clear conflict message", async ({ page, request }) => {
    const editor = new EditorPage(page);
    const id = await createViaApi(request, chain(unique("Conflict")));
    await editor.goto(id);
    const response = await request.put(`/api/flows/${id}`, { data: { document: chain("Saved elsewhere"), baseVersion: 1 } });
    expect(response.status()).toBe(200);
    await editor.select("a");
    await editor.field("field-label").fill("mine");
    await editor.save();
    await expect(page.getByTestId("save-conflict")).toContainText("someone else saved this flow");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByTestId("reload-latest").click();
    await expect(page.getByTestId("editor-flow-name")).toHaveText("Saved elsewhere");
    await expect(page.getByTestId("editor-version")).toHaveText("v2");
  });

  test("export and import round-trip the document", async ({ page, request }) => {
    const editor = new EditorPage(page);
    const doc = chain(unique("Roundtrip"));
    await editor.goto(await createViaApi(request, doc));
    const downloadPromise = page.waitForEvent("download");
    await page.getByTestId("export-button").click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(/\.flow\.json$/);
    const exported = JSON.parse(await fs.readFile(await download.path(), "utf8")) as FlowDocument;
    expect(exported).toEqual(doc);

    // Import an edited copy: it replaces the canvas as an unsaved change, and saves.
    const edited: FlowDocument = {
      ...exported,
      name: `${exported.name} (edited)`,
      nodes: [...exported.nodes, { id: "gate", kind: "approval", position: { x: 960, y: 0 }, config: { message: "ok?" } }],
      edges: [...exported.edges, { from: "c", to: "gate" }],
    };
    await page.getByTestId("import-button").click();
    await page.getByTestId("import-text").fill(JSON.stringify(edited));
    await expect(page.getByTestId("import-status")).toContainText("4 nodes");
    await page.getByTestId("import-submit").click();
    await expect(editor.node("gate")).toBeVisible();
    await expect(page.getByTestId("editor-flow-name")).toHaveText(edited.name);
    await expect(page.getByTestId("dirty-indicator")).toBeVisible();
    await editor.save();
    await editor.expectSaved(2);

    const again = page.waitForEvent("download");
    await page.getByTestId("export-button").click();
    expect(JSON.parse(await fs.readFile(await (await again).path(), "utf8"))).toEqual(edited);
  });

  test("importing a document with problems loads it and shows them", async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.goto(await createViaApi(request, chain(unique("Import issues"))));
    await page.getByTestId("import-button").click();
    const broken = { name: "Broken", nodes: [{ id: "x", kind: "agent", config: { profile: "demo", prompt: "{{steps.nope.output}}" } }] };
    await page.getByTestId("import-text").fill(JSON.stringify(broken));
    await expect(page.getByTestId("import-issues")).toContainText('unknown step "nope"');
    await page.getByTestId("import-submit").click();
    await expect(editor.node("x")).toHaveAttribute("data-issues", "1");
    await expect(editor.issues()).toHaveCount(1);
  });

  test("restore an old version from the history", async ({ page, request }) => {
    const editor = new EditorPage(page);
    const original = chain(unique("History"));
    const id = await createViaApi(request, original);
    const shortened: FlowDocument = { ...original, nodes: original.nodes.slice(0, 1), edges: [] };
    expect((await request.put(`/api/flows/${id}`, { data: { document: shortened, baseVersion: 1, message: "cut" } })).status()).toBe(200);

    await editor.goto(id);
    await expect(editor.nodes()).toHaveCount(1);
    await page.getByTestId("history-button").click();
    const dialog = page.getByTestId("versions-dialog");
    await expect(dialog.getByTestId("version-2")).toContainText("cut");
    await dialog.getByTestId("version-1").click();
    await expect(dialog.getByTestId("version-preview")).toContainText("v1");
    await expect(dialog.getByTestId("version-preview").locator(".react-flow__node")).toHaveCount(3);
    await dialog.getByTestId("restore-version").click();
    await expect(dialog).toHaveCount(0);
    await expect(editor.nodes()).toHaveCount(3);
    await expect(page.getByTestId("dirty-indicator")).toBeVisible();
    await editor.save();
    await editor.expectSaved(3);
    await page.getByTestId("history-button").click();
    await expect(page.getByTestId("versions-dialog").getByTestId("version-3")).toContainText("restored v1");
  });
});

/** A grid of `size` agent nodes, ten chains of `size / 10` (300 × 150 px apart), each reading its upstream. */
function grid(name: string, size: number): FlowDocument {
  const nodes: FlowDocument["nodes"] = [];
  const edges: FlowDocument["edges"] = [];
  for (let i = 0; i < size; i++) {
    const column = Math.floor(i / 10);
    const upstream = column > 0 ? `n${i - 10}` : null;
    const prompt = upstream ? `{{steps.${upstream}.output}}` : "{{inputs.task}}";
    nodes.push({ id: `n${i}`, kind: "agent", position: { x: column * 300, y: (i % 10) * 150 }, config: { profile: "demo", prompt } });
    if (upstream) edges.push({ from: upstream, to: `n${i}` });
  }
  return { name, inputs: [{ name: "task", required: true }], nodes, edges };
}

test.describe("large flow overview", () => {
  test("zoomed out, a large flow is one overview layer; a click selects the node under it; zooming in brings back its cards", async ({ page, request }) => {
    const editor = new EditorPage(page);
    await page.goto(`/flows/${await createViaApi(request, grid(unique("Overview"), 400))}`);
    const overview = page.getByTestId("flow-overview");
    // Fitted, 40 columns make the zoom far below the overview threshold: no cards are mounted.
    await expect(overview).toHaveAttribute("data-drawn", "400");
    await expect(editor.nodes()).toHaveCount(0);

    // n123: column 12, row 3; the centre of its 240 × 84 card, on screen.
    const centreOf = (x: number, y: number) =>
      page.evaluate(
        ([fx, fy]) => {
          const viewport = document.querySelector<HTMLElement>(".react-flow__viewport")!;
          const pane = document.querySelector<HTMLElement>(".react-flow")!.getBoundingClientRect();
          const m = new DOMMatrixReadOnly(getComputedStyle(viewport).transform);
          return { x: pane.left + m.e + fx * m.a, y: pane.top + m.f + fy * m.a, zoom: m.a };
        },
        [x, y],
      );
    const target = await centreOf(12 * 300 + 120, 3 * 150 + 42);
    expect(target.zoom).toBeLessThan(0.3);
    await page.mouse.click(target.x, target.y);
    await expect(editor.field("field-id")).toHaveValue("n123");

    // A click on empty space (below the last row) clears the selection.
    const empty = await centreOf(12 * 300 + 120, 2000);
    await page.mouse.click(empty.x, empty.y);
    await expect(page.getByTestId("inspector").getByTestId("field-id")).toHaveCount(0);
    await page.mouse.click(target.x, target.y);
    await expect(editor.field("field-id")).toHaveValue("n123");

    // 12 steps upstream: 25 references; the nearest are listed, a filter finds the rest.
    const refs = editor.field("field-prompt-refs").getByTestId("insert-ref");
    await expect(refs).toHaveCount(12);
    await expect(refs.nth(1)).toHaveText("{{steps.n113.output}}");
    await expect(editor.field("field-prompt-refs-more")).toHaveText("+13 more, filter to find them");
    await editor.field("field-prompt-refs-filter").fill("n3.");
    await expect(refs).toHaveText(["{{steps.n3.output}}", "{{steps.n3.diff}}"]);
    await refs.first().click();
    await expect(editor.field("field-prompt")).toHaveValue("{{steps.n113.output}}{{steps.n3.output}}");

    // Wheel-zoom in at the node until the cards come back (from zoom 0.33: CARDS_FROM_ZOOM).
    for (let i = 0; i < 10; i++) {
      const at = await centreOf(12 * 300 + 120, 3 * 150 + 42);
      if (at.zoom >= 0.33) break;
      await page.mouse.move(at.x, at.y);
      await page.mouse.wheel(0, -400);
      await page.waitForFunction((z) => new DOMMatrixReadOnly(getComputedStyle(document.querySelector(".react-flow__viewport")!).transform).a > z, at.zoom);
    }
    await expect(overview).toHaveCount(0);
    await expect(editor.node("n123")).toBeVisible();
    await expect(page.locator('.react-flow__node.selected[data-id="n123"]')).toBeVisible();
    await expect(editor.field("field-id")).toHaveValue("n123");
  });
});
