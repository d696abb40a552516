import { describe, expect, it } from "vitest";
import { EXAMPLE_FLOW } from "../flow/example";
import { exportFileName, exportFlowJson, importFlowJson } from "./import-export";
import { layoutPositions, needsLayout } from "./layout";

describe("import/export", () => {
  it("round-trips a flow document", () => {
    const result = importFlowJson(exportFlowJson(EXAMPLE_FLOW), new Set(["demo"]));
    expect(result).toEqual({ ok: true, doc: EXAMPLE_FLOW, issues: [] });
  });

  it("refuses what is not JSON or not a flow, naming the field", () => {
    expect(importFlowJson("{nope")).toMatchObject({ ok: false, issues: [{ path: "(json)" }] });
    const noName = importFlowJson(JSON.stringify({ nodes: [] }));
    expect(noName.ok).toBe(false);
    expect(noName.issues[0].path).toBe("name");
    const badKind = importFlowJson(JSON.stringify({ name: "x", nodes: [{ id: "a", kind: "robot" }] }));
    expect(badKind).toMatchObject({ ok: false, issues: [{ path: "nodes[0].kind", nodeId: "a" }] });
  });

  it("loads a flow with invalid configs and reports their issues", () => {
    const result = importFlowJson(JSON.stringify({ name: "x", nodes: [{ id: "a", kind: "agent", config: { profile: "demo" } }] }));
    expect(result.ok).toBe(true);
    expect(result.issues.map((i) => i.path)).toEqual(["nodes[0].config.prompt"]);
  });

  it("names the export file after the flow", () => {
    expect(exportFileName({ ...EXAMPLE_FLOW, name: "Fix a Bug!" })).toBe("fix-a-bug.flow.json");
  });
});

describe("layout", () => {
  it("places every node, downstream nodes to the right of their upstream", async () => {
    const doc = { ...EXAMPLE_FLOW, nodes: EXAMPLE_FLOW.nodes.map(({ position: _p, ...n }) => n) } as typeof EXAMPLE_FLOW;
    expect(needsLayout(doc)).toBe(true);
    const positions = await layoutPositions(doc);
    expect([...positions.keys()].sort()).toEqual(["build", "plan", "summary"]);
    for (const edge of doc.edges) expect(positions.get(edge.to)!.x).toBeGreaterThan(positions.get(edge.from)!.x);
  });
});
