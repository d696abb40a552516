import { describe, expect, it } from "vitest";
import { EXAMPLE_FLOW } from "../flow/example";
import { validateFlow } from "../flow/validate";
import type { FlowDocument } from "../flow/document";
import { availableReferences, insertAt } from "./references";

describe("availableReferences", () => {
  it("lists inputs, then upstream steps in order, with contestants for arenas", () => {
    expect(availableReferences(EXAMPLE_FLOW, "summary").map((r) => r.text)).toEqual([
      "{{inputs.task}}",
      "{{steps.plan.output}}",
      "{{steps.plan.diff}}",
      "{{steps.build.output}}",
      "{{steps.build.diff}}",
      "{{steps.build.contestants}}",
    ]);
    expect(availableReferences(EXAMPLE_FLOW, "plan").map((r) => r.text)).toEqual(["{{inputs.task}}"]);
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

describe("insertAt", () => {
  it("replaces the selection and puts the caret after the snippet", () => {
    expect(insertAt("hello world", 6, 11, "{{x}}")).toEqual({ text: "hello {{x}}", caret: 11 });
    expect(insertAt("ab", 99, 99, "!")).toEqual({ text: "ab!", caret: 3 });
  });
});
