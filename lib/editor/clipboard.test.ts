import { describe, expect, it } from "vitest";
import type { FlowDocument } from "../flow/document";
import { validateFlow } from "../flow/validate";
import { copySelection, freshNodeId, parseFragment, pasteFragment, PASTE_STEP, serializeFragment } from "./clipboard";
import { editorReducer, initialEditorState, isDirty, type EditorAction, type EditorState } from "./editor-state";

/** plan → build → check, build reads plan's output. */
const doc: FlowDocument = {
  name: "Clip",
  inputs: [{ name: "task", required: true }],
  nodes: [
    { id: "plan", kind: "agent", position: { x: 0, y: 0 }, config: { profile: "demo", prompt: "{{inputs.task}}" } },
    { id: "build", kind: "agent", position: { x: 300, y: 0 }, config: { profile: "demo", prompt: "Do {{steps.plan.output}} ({{ steps.plan.diff }})" } },
    { id: "check", kind: "check", position: { x: 600, y: 0 }, config: { command: ["npm", "test"] } },
  ],
  edges: [
    { from: "plan", to: "build" },
    { from: "build", to: "check" },
  ],
};

const ids = (...list: string[]) => new Set(list);

describe("fresh ids", () => {
  it("keep a free id, else count on from the id's own number, skipping taken ones, within 64 characters", () => {
    expect(freshNodeId("plan", ids("build"))).toBe("plan");
    expect(freshNodeId("plan", ids("plan"))).toBe("plan2");
    expect(freshNodeId("agent3", ids("agent3", "agent4"))).toBe("agent5");
    expect(freshNodeId("a".repeat(64), ids("a".repeat(64)))).toBe(`${"a".repeat(63)}2`);
  });
});

describe("paste", () => {
  it("copies the group with fresh ids, its inner edges and re-pointed references; keeps edges in from outside, drops edges out", () => {
    const fragment = copySelection(doc, ids("build", "check"))!;
    const { doc: out, ids: pasted } = pasteFragment(doc, fragment);
    expect(pasted).toEqual(["build2", "check2"]);
    const build2 = out.nodes.find((n) => n.id === "build2")!;
    // plan was not copied: the copy still reads it, and its edge into the copy is kept.
    expect(build2.config).toMatchObject({ prompt: "Do {{steps.plan.output}} ({{ steps.plan.diff }})" });
    expect(out.edges).toEqual([...doc.edges, { from: "plan", to: "build2" }, { from: "build2", to: "check2" }]);
    expect(build2.position).toEqual({ x: 300 + PASTE_STEP, y: PASTE_STEP });
    expect(validateFlow(out, { profiles: new Set(["demo"]) }).ok).toBe(true);
  });

  it("rewrites references to copied nodes only, and drops edges to nodes that are not in the target flow", () => {
    const fragment = copySelection(doc, ids("plan", "build"))!;
    const { doc: out } = pasteFragment(doc, fragment);
    expect(out.nodes.find((n) => n.id === "build2")!.config).toMatchObject({ prompt: "Do {{steps.plan2.output}} ({{steps.plan2.diff}})" });
    expect(out.edges.slice(doc.edges.length)).toEqual([{ from: "plan2", to: "build2" }]);

    const elsewhere: FlowDocument = { name: "Other", inputs: [{ name: "task" }], nodes: [], edges: [] };
    // Into another flow: the id is free there, so it is kept; plan isn't there, so no edge from it.
    const only = pasteFragment(elsewhere, copySelection(doc, ids("build"))!);
    expect(only.ids).toEqual(["build"]);
    expect(only.doc.edges).toEqual([]);
  });

  it("a second paste of the same copy lands one step further, never on the first", () => {
    const fragment = copySelection(doc, ids("plan"))!;
    const once = pasteFragment(doc, fragment).doc;
    const twice = pasteFragment(once, fragment);
    expect(twice.ids).toEqual(["plan3"]);
    expect(twice.doc.nodes.at(-1)!.position).toEqual({ x: 2 * PASTE_STEP, y: 2 * PASTE_STEP });
  });

  it("at an anchor, the group's top-left corner goes there", () => {
    const { doc: out } = pasteFragment(doc, copySelection(doc, ids("build", "check"))!, { x: 1000, y: 500 });
    expect(out.nodes.slice(3).map((n) => n.position)).toEqual([{ x: 1000, y: 500 }, { x: 1300, y: 500 }]);
  });

  it("the clipboard text round-trips, and anything else is not a fragment", () => {
    const fragment = copySelection(doc, ids("plan", "build"))!;
    expect(parseFragment(serializeFragment(fragment))).toEqual(fragment);
    expect(parseFragment("hello")).toBeNull();
    expect(parseFragment(JSON.stringify({ baton: "nodes", nodes: [{ id: "x", kind: "nope" }], edges: [] }))).toBeNull();
    expect(parseFragment(null)).toBeNull();
  });
});

describe("editor actions", () => {
  const run = (state: EditorState, ...actions: EditorAction[]) => actions.reduce(editorReducer, state);
  const start = () => initialEditorState(doc, 1, new Set(["demo"]));

  it("select-all selects every node and edge; duplicate pastes the selection in one undo step and selects the copies", () => {
    const all = run(start(), { type: "select-all" });
    expect([...all.selectedNodes]).toEqual(["plan", "build", "check"]);
    expect(all.selectedEdges.size).toBe(2);
    const duplicated = run(start(), { type: "select-node", id: "build" }, { type: "duplicate-selection" });
    expect(duplicated.doc.nodes.map((n) => n.id)).toEqual(["plan", "build", "check", "build2"]);
    expect([...duplicated.selectedNodes]).toEqual(["build2"]);
    expect(duplicated.issues).toEqual([]);
    expect(isDirty(duplicated)).toBe(true);
    expect(run(duplicated, { type: "undo" }).doc).toBe(doc);
    expect(run(start(), { type: "duplicate-selection" }).doc).toBe(doc);
  });
});
