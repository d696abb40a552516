import { describe, expect, it } from "vitest";
import { EXAMPLE_FLOW } from "../flow/example";
import type { FlowDocument } from "../flow/document";
import { diffFlows, fieldChanges, onlyMoves } from "./version-diff";

const base: FlowDocument = {
  name: "Diff",
  inputs: [{ name: "task", required: true }],
  nodes: [
    { id: "a", kind: "agent", position: { x: 0, y: 0 }, config: { profile: "demo", prompt: "{{inputs.task}}" } },
    { id: "b", kind: "arena", position: { x: 300, y: 0 }, config: { prompt: "x", contestants: [{ profile: "demo" }, { profile: "demo" }], select: { mode: "first" } } },
    { id: "c", kind: "check", position: { x: 600, y: 0 }, config: { command: ["npm", "test"] } },
  ],
  edges: [
    { from: "a", to: "b" },
    { from: "b", to: "c" },
  ],
};

describe("version diff", () => {
  it("the same document has no changes", () => {
    const diff = diffFlows(EXAMPLE_FLOW, structuredClone(EXAMPLE_FLOW));
    expect(onlyMoves(diff)).toBe(true);
    expect(diff.nodesChanged).toEqual([]);
  });

  it("lists nodes and edges added and removed, and each changed field by path", () => {
    const after: FlowDocument = {
      ...base,
      name: "Diff 2",
      inputs: [{ name: "task" }, { name: "repo", default: "." }],
      nodes: [
        { ...base.nodes[0], position: { x: 10, y: 0 } },
        { id: "b", kind: "arena", position: { x: 300, y: 0 }, label: "race", config: { prompt: "y", contestants: [{ profile: "demo" }, { profile: "qwen" }], select: { mode: "first" } } },
        { id: "d", kind: "approval", config: {} },
      ],
      edges: [
        { from: "a", to: "b" },
        { from: "b", to: "d" },
      ],
    };
    const diff = diffFlows(base, after);
    expect(diff.nodesAdded.map((n) => n.id)).toEqual(["d"]);
    expect(diff.nodesRemoved.map((n) => n.id)).toEqual(["c"]);
    expect(diff.edgesAdded).toEqual([{ from: "b", to: "d" }]);
    expect(diff.edgesRemoved).toEqual([{ from: "b", to: "c" }]);
    expect(diff.nodesChanged).toEqual([
      { id: "a", kind: "agent", changes: [], moved: true },
      {
        id: "b",
        kind: "arena",
        moved: false,
        changes: [
          { path: "config.prompt", before: "x", after: "y" },
          { path: "config.contestants[1].profile", before: "demo", after: "qwen" },
          { path: "label", before: undefined, after: "race" },
        ],
      },
    ]);
    expect(diff.flow).toEqual([
      { path: "name", before: "Diff", after: "Diff 2" },
      { path: "inputs.task.required", before: true, after: undefined },
      { path: "inputs.repo", before: undefined, after: { default: "." } },
    ]);
    expect(onlyMoves(diff)).toBe(false);
  });

  it("a list of plain values is one field", () => {
    expect(fieldChanges({ command: ["npm", "test"] }, { command: ["npm", "run", "test"] })).toEqual([
      { path: "command", before: ["npm", "test"], after: ["npm", "run", "test"] },
    ]);
  });
});
