import { describe, expect, it } from "vitest";
import { EXAMPLE_FLOW } from "../flow/example";
import type { CanvasUiState } from "./types";
import { edgeId, stableIssuesByNode, toCanvasEdges, toCanvasNodes, toCanvasNodesOf, withPositions } from "./view-model";
import { setNodeConfig } from "./document-ops";

const ui = (over: Partial<CanvasUiState> = {}): CanvasUiState => ({
  selectedNodes: new Set(),
  selectedEdges: new Set(),
  measured: new Map(),
  dragPositions: new Map(),
  ...over,
});

describe("toCanvasNodes", () => {
  it("maps every document node to a canvas node of its kind with its issues", () => {
    const issues = stableIssuesByNode([{ path: "nodes[1].config.prompt", message: "bad", nodeId: "build" }]);
    const nodes = toCanvasNodes(EXAMPLE_FLOW, issues, ui({ selectedNodes: new Set(["plan"]) }));
    expect(nodes.map((n) => [n.id, n.type, n.selected, n.data.issues.length])).toEqual([
      ["plan", "agent", true, 0],
      ["build", "arena", false, 1],
      ["summary", "fold", false, 0],
    ]);
    expect(nodes[1].position).toEqual(EXAMPLE_FLOW.nodes[1].position);
  });

  it("reuses the objects of unchanged nodes and replaces only the changed one", () => {
    const first = toCanvasNodes(EXAMPLE_FLOW, new Map(), ui());
    const plan = EXAMPLE_FLOW.nodes[0];
    const edited = setNodeConfig(EXAMPLE_FLOW, "plan", { ...plan.config, prompt: "changed" } as typeof plan.config);
    const second = toCanvasNodes(edited, new Map(), ui(), first);
    expect(second[0]).not.toBe(first[0]);
    expect(second[1]).toBe(first[1]);
    expect(second[2]).toBe(first[2]);
  });

  it("replaces a node whose selection, size or drag state changed", () => {
    const first = toCanvasNodes(EXAMPLE_FLOW, new Map(), ui());
    const measured = new Map([["build", { width: 240, height: 90 }]]);
    const second = toCanvasNodes(EXAMPLE_FLOW, new Map(), ui({ measured, dragPositions: new Map([["summary", { x: 5, y: 6 }]]) }), first);
    expect(second[0]).toBe(first[0]);
    expect(second[1].measured).toEqual({ width: 240, height: 90 });
    expect(second[2].dragging).toBe(true);
    expect(second[2].position).toEqual({ x: 5, y: 6 });
    expect(second[2].data.node).toBe(EXAMPLE_FLOW.nodes[2]);
  });

  it("returns the previous array when no node changed", () => {
    const first = toCanvasNodes(EXAMPLE_FLOW, new Map(), ui());
    expect(toCanvasNodes(EXAMPLE_FLOW, new Map(), ui(), first)).toBe(first);
  });

  it("recomputes only the listed nodes, keeping the others and the order", () => {
    const first = toCanvasNodes(EXAMPLE_FLOW, new Map(), ui());
    const dragged = ui({ dragPositions: new Map([["build", { x: 1, y: 2 }]]) });
    const second = toCanvasNodesOf(["build"], EXAMPLE_FLOW, new Map(), dragged, first);
    expect(second).toEqual(toCanvasNodes(EXAMPLE_FLOW, new Map(), dragged, first));
    expect(second[0]).toBe(first[0]);
    expect(second[2]).toBe(first[2]);
    expect(second[1].position).toEqual({ x: 1, y: 2 });
    expect(toCanvasNodesOf(["build"], EXAMPLE_FLOW, new Map(), dragged, second)).toBe(second);
  });
});

describe("stableIssuesByNode", () => {
  it("keeps a node's issue array when its issues are the same", () => {
    const a = stableIssuesByNode([{ path: "p", message: "m", nodeId: "x" }, { path: "q", message: "n", nodeId: "y" }]);
    const b = stableIssuesByNode([{ path: "p", message: "m", nodeId: "x" }, { path: "q", message: "other", nodeId: "y" }], a);
    expect(b.get("x")).toBe(a.get("x"));
    expect(b.get("y")).not.toBe(a.get("y"));
  });

  it("ignores issues that belong to no node", () => {
    expect(stableIssuesByNode([{ path: "inputs[0].name", message: "dup" }]).size).toBe(0);
  });
});

describe("edges", () => {
  it("maps document edges both ways and keeps unchanged edge objects", () => {
    const first = toCanvasEdges(EXAMPLE_FLOW.edges, new Set());
    expect(first.map((e) => [e.id, e.source, e.target])).toEqual([
      ["plan->build", "plan", "build"],
      ["build->summary", "build", "summary"],
    ]);
    const second = toCanvasEdges(EXAMPLE_FLOW.edges, new Set([edgeId(EXAMPLE_FLOW.edges[1])]), first);
    expect(second[0]).toBe(first[0]);
    expect(second[1].selected).toBe(true);
    expect(toCanvasEdges(EXAMPLE_FLOW.edges, new Set([edgeId(EXAMPLE_FLOW.edges[1])]), second)).toBe(second);
  });
});

describe("withPositions", () => {
  it("writes rounded positions and keeps nodes that did not move", () => {
    const moved = withPositions(EXAMPLE_FLOW, new Map([["plan", { x: 10.4, y: 20.6 }], ["build", { x: 320, y: 120 }]]));
    expect(moved.nodes[0].position).toEqual({ x: 10, y: 21 });
    expect(moved.nodes[1]).toBe(EXAMPLE_FLOW.nodes[1]);
    expect(withPositions(EXAMPLE_FLOW, new Map())).toBe(EXAMPLE_FLOW);
  });
});
