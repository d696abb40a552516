import { describe, expect, it } from "vitest";
import { EXAMPLE_FLOW } from "../flow/example";
import type { FlowDocument } from "../flow/document";
import { createNode } from "./document-ops";
import { withPositions } from "./view-model";
import {
  SYNC_VALIDATION_LIMIT,
  editorReducer,
  initialEditorState,
  isDirty,
  issuesStale,
  onDraft,
  selectedNode,
  type EditorAction,
  type EditorState,
} from "./editor-state";

const run = (state: EditorState, ...actions: EditorAction[]) => actions.reduce(editorReducer, state);
const start = () => initialEditorState(EXAMPLE_FLOW, 1, new Set(["demo"]));

describe("editor state", () => {
  it("starts clean and valid with one canvas node per document node", () => {
    const s = start();
    expect(isDirty(s)).toBe(false);
    expect(s.issues).toEqual([]);
    expect(s.nodes.map((n) => n.id)).toEqual(["plan", "build", "summary"]);
  });

  it("adding a node selects it, makes the editor dirty, and undo/redo walk the history", () => {
    const added = run(start(), { type: "add-node", kind: "check", position: { x: 5, y: 6 } });
    expect(added.doc.nodes.map((n) => n.id)).toEqual(["plan", "build", "summary", "check"]);
    expect(selectedNode(added)?.id).toBe("check");
    expect(isDirty(added)).toBe(true);
    const undone = run(added, { type: "undo" });
    expect(undone.doc).toBe(EXAMPLE_FLOW);
    expect(isDirty(undone)).toBe(false);
    expect(undone.selectedNodes.size).toBe(0);
    const redone = run(undone, { type: "redo" });
    expect(redone.doc).toBe(added.doc);
  });

  it("typing in one field is one undo step; a new edit clears redo", () => {
    const plan = EXAMPLE_FLOW.nodes[0];
    if (plan.kind !== "agent") throw new Error("fixture changed");
    const typed = run(
      start(),
      { type: "set-node-config", id: "plan", config: { ...plan.config, prompt: "a" }, coalesceKey: "plan.prompt" },
      { type: "set-node-config", id: "plan", config: { ...plan.config, prompt: "ab" }, coalesceKey: "plan.prompt" },
      { type: "set-node-config", id: "plan", config: { ...plan.config, prompt: "abc" }, coalesceKey: "plan.prompt" },
    );
    expect(typed.past).toHaveLength(1);
    expect(run(typed, { type: "undo" }).doc).toBe(EXAMPLE_FLOW);
  });

  it("issues appear and clear as the document changes", () => {
    const plan = EXAMPLE_FLOW.nodes[0];
    if (plan.kind !== "agent") throw new Error("fixture changed");
    const s0 = start();
    const broken = run(s0, { type: "set-node-config", id: "plan", config: { ...plan.config, prompt: "{{inputs.nope}}" } });
    expect(broken.issues.map((i) => i.nodeId)).toEqual(["plan"]);
    expect(broken.nodes[0].data.issues).toHaveLength(1);
    expect(broken.nodes[1]).toBe(s0.nodes[1]);
    const fixed = run(broken, { type: "set-node-config", id: "plan", config: { ...plan.config, prompt: "{{inputs.task}}" } });
    expect(fixed.issues).toEqual([]);
    expect(fixed.nodes[0].data.issues).toHaveLength(0);
  });

  it("unknown profiles are issues once the profile list is known", () => {
    const s = initialEditorState(EXAMPLE_FLOW, 1);
    expect(s.issues).toEqual([]);
    const known = run(s, { type: "set-profiles", profiles: new Set(["claude"]) });
    expect(known.issues.length).toBeGreaterThan(0);
    expect(known.issues.every((i) => i.message.includes("unknown profile"))).toBe(true);
  });

  it("refuses cycle-making connections", () => {
    const s = run(start(), { type: "connect", from: "summary", to: "plan" });
    expect(s.doc).toBe(EXAMPLE_FLOW);
    expect(s.past).toHaveLength(0);
  });

  it("deleting a node removes its edges in one undo step", () => {
    const s = run(start(), { type: "select-node", id: "build" }, { type: "delete-selection" });
    expect(s.doc.nodes.map((n) => n.id)).toEqual(["plan", "summary"]);
    expect(s.doc.edges).toEqual([]);
    expect(s.selectedNodes.size).toBe(0);
    expect(run(s, { type: "undo" }).doc).toBe(EXAMPLE_FLOW);
  });

  it("picking an edge selects it alone; with a modifier it joins the selection; unknown edges are ignored", () => {
    const picked = run(start(), { type: "select-node", id: "build" }, { type: "select-edge", id: "plan->build", additive: false });
    expect([...picked.selectedEdges]).toEqual(["plan->build"]);
    expect(picked.selectedNodes.size).toBe(0);
    expect(picked.edges.find((e) => e.id === "plan->build")?.selected).toBe(true);
    expect(picked.nodes.find((n) => n.id === "build")?.selected).toBe(false);
    const both = run(picked, { type: "select-edge", id: "build->summary", additive: true });
    expect([...both.selectedEdges].sort()).toEqual(["build->summary", "plan->build"]);
    expect(run(both, { type: "select-edge", id: "build->summary", additive: true })).toBe(both);
    expect(run(both, { type: "select-edge", id: "nope->plan", additive: false })).toBe(both);
    const deleted = run(both, { type: "delete-selection" });
    expect(deleted.doc.edges).toEqual([]);
    expect(deleted.doc.nodes).toHaveLength(3);
  });

  it("a drag keeps the document until it ends, then is one undo step without re-validating", () => {
    const s0 = start();
    const during = run(
      s0,
      { type: "node-changes", changes: [{ type: "position", id: "plan", position: { x: 10, y: 10 }, dragging: true }] },
      { type: "node-changes", changes: [{ type: "position", id: "plan", position: { x: 20, y: 30 }, dragging: true }] },
    );
    expect(during.doc).toBe(EXAMPLE_FLOW);
    expect(during.nodes[0].position).toEqual({ x: 20, y: 30 });
    expect(during.nodes[0].dragging).toBe(true);
    expect(during.nodes[1]).toBe(s0.nodes[1]);
    // A drag frame leaves everything but the dragged node as it was, the arrays included.
    expect(during.edges).toBe(s0.edges);
    const frame = run(during, { type: "node-changes", changes: [{ type: "position", id: "plan", position: { x: 25, y: 30 }, dragging: true }] });
    expect(frame.nodes.filter((n, i) => n !== during.nodes[i]).map((n) => n.id)).toEqual(["plan"]);
    expect(frame.edges).toBe(during.edges);
    const s = run(during, { type: "node-changes", changes: [{ type: "position", id: "plan", dragging: false }] });
    expect(s.doc.nodes[0].position).toEqual({ x: 20, y: 30 });
    expect(s.dragPositions.size).toBe(0);
    expect(s.nodes[0].dragging).toBe(false);
    expect(s.past).toEqual([EXAMPLE_FLOW]);
    expect(s.issues).toBe(s0.issues);
    expect(s.nodes[1]).toBe(s0.nodes[1]);
  });

  it("a move that is not a drag (keyboard) lands in the document at once", () => {
    const s = run(start(), { type: "node-changes", changes: [{ type: "position", id: "build", position: { x: 330, y: 120 } }] });
    expect(s.doc.nodes[1].position).toEqual({ x: 330, y: 120 });
    expect(s.past).toHaveLength(1);
  });

  it("records measured sizes and selection from React Flow", () => {
    const s = run(start(), {
      type: "node-changes",
      changes: [
        { type: "dimensions", id: "plan", dimensions: { width: 240, height: 80 } },
        { type: "select", id: "build", selected: true },
      ],
    });
    expect(s.nodes[0].measured).toEqual({ width: 240, height: 80 });
    expect(s.nodes[1].selected).toBe(true);
    expect(isDirty(s)).toBe(false);
  });

  it("a node that comes back by undo is measured afresh (its old size is dropped)", () => {
    const s = run(
      start(),
      { type: "node-changes", changes: [{ type: "dimensions", id: "build", dimensions: { width: 240, height: 80 } }] },
      { type: "select-node", id: "build" },
      { type: "delete-selection" },
      { type: "undo" },
    );
    expect(s.nodes[1].id).toBe("build");
    expect(s.nodes[1].measured).toBeUndefined();
  });

  it("renaming keeps the node selected and rewrites references", () => {
    const s = run(start(), { type: "select-node", id: "plan" }, { type: "rename-node", from: "plan", to: "design" });
    expect(selectedNode(s)?.id).toBe("design");
    expect(s.issues).toEqual([]);
    expect(s.doc.edges[0].from).toBe("design");
  });

  it("large flows validate later: an edit marks issues stale until revalidate", () => {
    const nodes = Array.from({ length: SYNC_VALIDATION_LIMIT + 1 }, (_, i) => createNode("agent", `a${i}`, { x: i, y: 0 }));
    const big: FlowDocument = { name: "big", inputs: [{ name: "task" }], nodes, edges: [] };
    const s0 = initialEditorState(big, 1, new Set(["demo"]));
    expect(issuesStale(s0)).toBe(false);
    const edited = run(s0, { type: "set-node-config", id: "a0", config: { profile: "demo", prompt: "{{inputs.nope}}" } });
    expect(issuesStale(edited)).toBe(true);
    expect(edited.issues).toEqual([]);
    const moved = run(edited, { type: "node-changes", changes: [{ type: "position", id: "a1", position: { x: 9, y: 9 } }] });
    expect(issuesStale(moved)).toBe(true);
    const checked = run(moved, { type: "revalidate" });
    expect(issuesStale(checked)).toBe(false);
    expect(checked.issues.map((i) => i.nodeId)).toEqual(["a0"]);
    expect(checked.nodes[0].data.issues).toHaveLength(1);
  });

  it("a move keeps fresh issues fresh", () => {
    const s = run(start(), { type: "node-changes", changes: [{ type: "position", id: "plan", position: { x: 1, y: 1 } }] });
    expect(issuesStale(s)).toBe(false);
  });

  it("mark-saved makes the sent document the clean baseline", () => {
    const edited = run(start(), { type: "set-flow-name", name: "Renamed" });
    const saved = run(edited, { type: "mark-saved", doc: edited.doc, version: 2 });
    expect(isDirty(saved)).toBe(false);
    expect(saved.baseVersion).toBe(2);
  });

  it("a field draft (options JSON that doesn't parse) is a problem, keeps the editor unsaved, and follows its node", () => {
    const s0 = start();
    const draft = { text: '{"failTimes": ', error: "not valid JSON (Unexpected end)" };
    const s1 = run(s0, { type: "set-field-draft", id: "plan", path: "options", draft });
    expect(s1.doc).toBe(s0.doc);
    expect(isDirty(s1)).toBe(true);
    expect(s1.issues).toEqual([{ path: "nodes[0].config.options", message: "not valid JSON (Unexpected end) — not applied", nodeId: "plan" }]);
    expect(s1.nodes[0].data.issues).toHaveLength(1);
    // It survives edits elsewhere (validation re-runs) and a rename.
    const renamed = run(s1, { type: "set-flow-name", name: "x" }, { type: "rename-node", from: "plan", to: "design" });
    expect(renamed.issues.map((i) => `${i.nodeId} ${i.path}`)).toEqual(["design nodes[0].config.options"]);
    expect(renamed.fieldDrafts.get("design\u0000options")?.text).toBe(draft.text);
    // Cleared (the text parsed or was emptied): no problem, clean again.
    const cleared = run(s1, { type: "set-field-draft", id: "plan", path: "options", draft: null });
    expect(cleared.issues).toEqual([]);
    expect(isDirty(cleared)).toBe(false);
    // Deleted with its node.
    const deleted = run(s1, { type: "select-node", id: "plan" }, { type: "delete-selection" });
    expect(deleted.fieldDrafts.size).toBe(0);
    expect(deleted.issues.some((i) => i.message.includes("not applied"))).toBe(false);
  });

  it("removing a contestant drops its field drafts and moves the later ones down", () => {
    const build = EXAMPLE_FLOW.nodes.find((n) => n.id === "build");
    if (build?.kind !== "arena") throw new Error("fixture changed");
    const three = { ...build.config, contestants: [{ profile: "demo" }, { profile: "demo" }, { profile: "demo" }] };
    const bad = (text: string) => ({ text, error: "not valid JSON" });
    const s = run(
      start(),
      { type: "set-node-config", id: "build", config: three },
      { type: "set-field-draft", id: "build", path: "contestants[0].options", draft: bad("{a") },
      { type: "set-field-draft", id: "build", path: "contestants[2].options", draft: bad("{c") },
      { type: "remove-list-item", id: "build", path: "contestants", index: 0 },
    );
    const config = s.doc.nodes[1].config as { contestants: unknown[] };
    expect(config.contestants).toHaveLength(2);
    expect([...s.fieldDrafts.values()].map((d) => `${d.path} ${d.text}`)).toEqual(["contestants[1].options {c"]);
    expect(run(s, { type: "undo" }).doc.nodes[1].config).toEqual(three);
  });

  it("a cycle's closing edge is marked on the canvas", () => {
    const looped: FlowDocument = { ...EXAMPLE_FLOW, edges: [...EXAMPLE_FLOW.edges, { from: "summary", to: "plan" }] };
    const s = initialEditorState(looped, 1, new Set(["demo"]));
    expect(s.edges.filter((e) => e.data?.invalid).map((e) => e.id)).toEqual(["summary->plan"]);
  });

  it("a click-added node goes after the selected node, connected from it, in one undo step; with nothing selected, off any card", () => {
    const placed = new Map([["plan", { x: 0, y: 0 }], ["build", { x: 312, y: 0 }], ["summary", { x: 624, y: 0 }]]);
    const s0 = initialEditorState(withPositions(EXAMPLE_FLOW, placed), 1, new Set(["demo"]));
    const after = run(s0, { type: "select-node", id: "summary" }, { type: "insert-node", kind: "check", centre: { x: 0, y: 0 } });
    const summary = s0.doc.nodes.find((n) => n.id === "summary")!.position!;
    const check = after.doc.nodes.find((n) => n.id === "check")!;
    expect(check.position!.x).toBeGreaterThan(summary.x + 240);
    expect(after.doc.edges).toContainEqual({ from: "summary", to: "check" });
    expect(selectedNode(after)?.id).toBe("check");
    expect(run(after, { type: "undo" }).doc).toBe(s0.doc);
    // Nothing selected: centred on the given point unless a card is there.
    const plan = s0.doc.nodes[0].position!;
    const free = run(s0, { type: "insert-node", kind: "agent", centre: { x: plan.x + 120, y: plan.y + 42 } });
    const added = free.doc.nodes.find((n) => n.id === "agent")!.position!;
    expect(Math.abs(added.x - plan.x) >= 240 + 32 || Math.abs(added.y - plan.y) >= 84 + 32).toBe(true);
    expect(free.doc.edges).toBe(s0.doc.edges);
  });

  it("a session on a server draft opens the draft; saving it again or as a version, or discarding it, settles the state", () => {
    const plan = EXAMPLE_FLOW.nodes[0];
    if (plan.kind !== "agent") throw new Error("fixture changed");
    const broken: FlowDocument = { ...EXAMPLE_FLOW, nodes: [{ ...plan, config: { ...plan.config, prompt: "" } }, ...EXAMPLE_FLOW.nodes.slice(1)] };
    const fieldDrafts = new Map([["plan\u0000options", { nodeId: "plan", path: "options", text: "{", error: "not valid JSON" }]]);
    const s = initialEditorState(EXAMPLE_FLOW, 3, new Set(["demo"]), { doc: broken, fieldDrafts });
    expect(s.doc).toBe(broken);
    expect(s.savedDoc).toBe(EXAMPLE_FLOW);
    expect(onDraft(s)).toBe(true);
    expect(isDirty(s)).toBe(false);
    expect(s.issues.map((i) => i.path)).toEqual(["nodes[0].config.prompt", "nodes[0].config.options"]);
    // An edit is unsaved work; saving it as the draft makes it stored again.
    const edited = run(s, { type: "set-flow-name", name: "Edited" });
    expect(isDirty(edited)).toBe(true);
    const drafted = run(edited, { type: "mark-draft-saved", draft: { doc: edited.doc, fieldDrafts: edited.fieldDrafts } });
    expect(isDirty(drafted)).toBe(false);
    // Saved as a version: no draft any more.
    const fixed = run(drafted, { type: "set-field-draft", id: "plan", path: "options", draft: null });
    const versioned = run(fixed, { type: "mark-saved", doc: fixed.doc, version: 4 });
    expect(onDraft(versioned)).toBe(false);
    expect(isDirty(versioned)).toBe(false);
    // Discarded: back to the version's document and no field drafts, undoable.
    const discarded = run(drafted, { type: "discard-draft" });
    expect(discarded.doc).toBe(EXAMPLE_FLOW);
    expect(discarded.fieldDrafts.size).toBe(0);
    expect(discarded.issues).toEqual([]);
    expect(isDirty(discarded)).toBe(false);
    expect(run(discarded, { type: "undo" }).doc).toBe(drafted.doc);
  });
});
