import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { validateFlow } from "../flow/validate";
import { EXAMPLE_FLOW } from "../flow/example";
import type { FlowDocument } from "../flow/document";
import {
  addNode,
  connect,
  connectRefusal,
  createNode,
  newFlowDocument,
  nextNodeId,
  removeElements,
  renameNode,
  renameRefusal,
  rewriteStepRefs,
} from "./document-ops";
import { edgeId } from "./view-model";

describe("new flows and nodes", () => {
  it("a new flow is valid: one agent reading the task input", () => {
    const doc = newFlowDocument("Mine");
    expect(validateFlow(doc).ok).toBe(true);
    expect(doc.nodes.map((n) => n.kind)).toEqual(["agent"]);
  });

  it("picks the first free id per kind", () => {
    let doc: FlowDocument = newFlowDocument("x");
    expect(nextNodeId(doc, "agent")).toBe("agent2");
    expect(nextNodeId(doc, "arena")).toBe("arena");
    doc = addNode(doc, createNode("agent", "agent2", { x: 0, y: 0 }));
    expect(nextNodeId(doc, "agent")).toBe("agent3");
  });
});

describe("connect", () => {
  it("refuses self-loops, duplicates and cycles, and adds anything else", () => {
    expect(connectRefusal(EXAMPLE_FLOW, "plan", "plan")).toBe("self");
    expect(connectRefusal(EXAMPLE_FLOW, "plan", "build")).toBe("duplicate");
    expect(connectRefusal(EXAMPLE_FLOW, "summary", "plan")).toBe("cycle");
    expect(connectRefusal(EXAMPLE_FLOW, "plan", "nope")).toBe("unknown-node");
    expect(connect(EXAMPLE_FLOW, "summary", "plan")).toBe(EXAMPLE_FLOW);
    expect(connect(EXAMPLE_FLOW, "plan", "summary").edges).toContainEqual({ from: "plan", to: "summary" });
  });

  it("never produces a cycle, whatever connections are attempted", () => {
    const ids = ["a", "b", "c", "d", "e"];
    const base: FlowDocument = { name: "g", inputs: [], nodes: ids.map((id) => createNode("approval", id, { x: 0, y: 0 })), edges: [] };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...ids)), { maxLength: 30 }), (pairs) => {
        const doc = pairs.reduce((d, [from, to]) => connect(d, from, to), base);
        const result = validateFlow(doc);
        const cycleIssues = result.ok ? [] : result.issues.filter((i) => i.message.startsWith("cycle"));
        expect(cycleIssues).toEqual([]);
      }),
    );
  });
});

describe("remove", () => {
  it("removing a node removes its edges", () => {
    const doc = removeElements(EXAMPLE_FLOW, new Set(["build"]), new Set(), edgeId);
    expect(doc.nodes.map((n) => n.id)).toEqual(["plan", "summary"]);
    expect(doc.edges).toEqual([]);
  });

  it("removes single edges by key", () => {
    const doc = removeElements(EXAMPLE_FLOW, new Set(), new Set(["plan->build"]), edgeId);
    expect(doc.edges).toEqual([{ from: "build", to: "summary" }]);
  });
});

describe("rename", () => {
  it("rewrites only step references to the renamed node", () => {
    expect(rewriteStepRefs("a {{steps.plan.output}} b {{ steps.plan.diff }} {{steps.planner.output}} {{inputs.plan}}", "plan", "p2")).toBe(
      "a {{steps.p2.output}} b {{steps.p2.diff}} {{steps.planner.output}} {{inputs.plan}}",
    );
    expect(rewriteStepRefs("no refs", "a", "b")).toBe("no refs");
  });

  it("moves edges and references, and the flow stays valid", () => {
    const doc = renameNode(EXAMPLE_FLOW, "plan", "design");
    expect(doc.nodes[0].id).toBe("design");
    expect(doc.edges[0]).toEqual({ from: "design", to: "build" });
    const build = doc.nodes[1];
    const prompt = build.kind === "arena" ? build.config.prompt : "";
    expect(prompt).toContain("{{steps.design.output}}");
    expect(prompt).not.toContain("steps.plan.");
    expect(validateFlow(doc).ok).toBe(true);
  });

  it("rewrites the judge prompt of an arena too", () => {
    const build = EXAMPLE_FLOW.nodes[1];
    if (build.kind !== "arena") throw new Error("fixture changed");
    const judged: FlowDocument = {
      ...EXAMPLE_FLOW,
      nodes: EXAMPLE_FLOW.nodes.map((n) =>
        n.id === "build" ? { ...build, config: { ...build.config, select: { mode: "judge", profile: "demo", prompt: "Prefer {{steps.plan.output}}" } } } : n,
      ),
    };
    const renamed = renameNode(judged, "plan", "p");
    const arena = renamed.nodes[1];
    expect(arena.kind === "arena" && arena.config.select.prompt).toBe("Prefer {{steps.p.output}}");
  });

  it("refuses bad or taken ids and leaves the document alone", () => {
    expect(renameRefusal(EXAMPLE_FLOW, "plan", "build")).toMatch(/already exists/);
    expect(renameRefusal(EXAMPLE_FLOW, "plan", "1bad")).toMatch(/must start with a letter/);
    expect(renameRefusal(EXAMPLE_FLOW, "plan", "plan")).toBeNull();
    expect(renameNode(EXAMPLE_FLOW, "plan", "build")).toBe(EXAMPLE_FLOW);
  });
});
