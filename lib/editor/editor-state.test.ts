import { describe, expect, it } from "vitest";
import { EXAMPLE_FLOW } from "../flow/example";
import type { FlowDocument } from "../flow/document";
import { createNode } from "./document-ops";
import {
  SYNC_VALIDATION_LIMIT,
  editorReducer,
  initialEditorState,
  isDirty,
  issuesStale,
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
});
