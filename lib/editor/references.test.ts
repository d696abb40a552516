import { describe, expect, it } from "vitest";
import { EXAMPLE_FLOW } from "../flow/example";
import { validateFlow } from "../flow/validate";
import type { FlowDocument } from "../flow/document";
import { availableReferences, insertAt, listedReferences, type TemplateReference } from "./references";

describe("availableReferences", () => {
  it("lists inputs, then upstream steps nearest first, with contestants for arenas", () => {
    expect(availableReferences(EXAMPLE_FLOW, "summary").map((r) => r.text)).toEqual([
      "{{inputs.task}}",
      "{{steps.build.output}}",
      "{{steps.build.diff}}",
      "{{steps.build.contestants}}",
      "{{steps.plan.output}}",
      "{{steps.plan.diff}}",
    ]);
    expect(availableReferences(EXAMPLE_FLOW, "plan").map((r) => r.text)).toEqual(["{{inputs.task}}"]);
  });

  it("orders steps by distance, and steps at the same distance in the document's order", () => {
    const step = (id: string) => ({ id, kind: "check" as const, config: { command: ["true"] } });
    // a → b → d, c → d, a → x (not upstream of d), d → e (downstream).
    const doc: FlowDocument = {
      name: "diamond",
      inputs: [],
      nodes: ["a", "b", "c", "x", "d", "e"].map(step),
      edges: [
        { from: "a", to: "b" },
        { from: "b", to: "d" },
        { from: "c", to: "d" },
        { from: "a", to: "x" },
        { from: "d", to: "e" },
      ],
    };
    expect(availableReferences(doc, "d").filter((r) => r.text.endsWith(".output}}")).map((r) => r.nodeId)).toEqual(["b", "c", "a"]);
    expect(availableReferences(doc, "a")).toEqual([]);
  });

  it("every offered reference validates in that node's prompt", () => {
    const doc: FlowDocument = {
      ...EXAMPLE_FLOW,
      nodes: EXAMPLE_FLOW.nodes.map((n) =>
        n.id === "summary"
          ? { ...n, kind: "fold", config: { mode: "agent", profile: "demo", prompt: availableReferences(EXAMPLE_FLOW, "summary").map((r) => r.text).join("\n") } }
          : n,
      ),
    };
    expect(validateFlow(doc, { profiles: new Set(["demo"]) })).toMatchObject({ ok: true });
  });
});

describe("listedReferences", () => {
  const refs: TemplateReference[] = [
    { text: "{{inputs.task}}", group: "input" },
    ...Array.from({ length: 30 }, (_, i) => ({ text: `{{steps.n${i}.output}}`, group: "step" as const, nodeId: `n${i}` })),
  ];

  it("lists the first `limit` in order and counts the rest", () => {
    const { shown, more } = listedReferences(refs, "", 12);
    expect(shown.map((r) => r.text).slice(0, 2)).toEqual(["{{inputs.task}}", "{{steps.n0.output}}"]);
    expect(shown).toHaveLength(12);
    expect(more).toBe(19);
    expect(listedReferences(refs.slice(0, 5), "", 12)).toEqual({ shown: refs.slice(0, 5), more: 0 });
  });

  it("filters by a case-insensitive substring, ignoring surrounding spaces", () => {
    expect(listedReferences(refs, " N2", 12).shown.map((r) => r.nodeId)).toEqual(["n2", "n20", "n21", "n22", "n23", "n24", "n25", "n26", "n27", "n28", "n29"]);
    expect(listedReferences(refs, "n1", 3)).toMatchObject({ more: 8 });
    expect(listedReferences(refs, "nothing", 12)).toEqual({ shown: [], more: 0 });
  });
});

describe("insertAt", () => {
  it("replaces the selection and puts the caret after the snippet", () => {
    expect(insertAt("hello world", 6, 11, "{{x}}")).toEqual({ text: "hello {{x}}", caret: 11 });
    expect(insertAt("ab", 99, 99, "!")).toEqual({ text: "ab!", caret: 3 });
  });
});
