import { describe, expect, it } from "vitest";
import { concatOutputs, renderPrompt, templateNeeds, type UpstreamStep } from "./render";

const step = (key: string, output: string, extra: Partial<UpstreamStep> = {}): UpstreamStep => ({
  key,
  nodeId: key.split("#")[0],
  state: "succeeded",
  output,
  diff: null,
  ...extra,
});

describe("renderPrompt", () => {
  const context = {
    inputs: { task: "add a greeting" },
    steps: new Map([
      ["plan", step("plan", "1. write it", { diff: "+hello" })],
      ["build", step("build", "winner output", { winner: "build#1" })],
    ]),
    contestants: new Map([
      [
        "build",
        [
          step("build#0", "first try", { profile: "demo", state: "failed" }),
          step("build#1", "winner output", { profile: "demo", model: "m1", diff: "+x" }),
        ],
      ],
    ]),
  };

  it("substitutes inputs, outputs, diffs and a readable contestant list", () => {
    const text = renderPrompt("Task {{inputs.task}}\n{{steps.plan.output}}\n{{steps.plan.diff}}\n{{ steps.build.contestants }}", context);
    expect(text).toContain("Task add a greeting\n1. write it\n+hello\n");
    expect(text).toContain("### Contestant build#0 (profile demo, failed)\n\nOutput:\nfirst try");
    expect(text).toContain("### Contestant build#1 (profile demo, model m1, succeeded) — winner");
    expect(text).toContain("Diff:\n+x");
  });

  it("keeps large values whole up to the limit and marks what it cuts", () => {
    const big = "x".repeat(50_000);
    const ctx = { ...context, steps: new Map([["plan", step("plan", big)]]) };
    expect(renderPrompt("{{steps.plan.output}}", ctx)).toBe(big);
    const cut = renderPrompt("{{steps.plan.output}}", ctx, 1000);
    expect(cut.startsWith("x".repeat(1000))).toBe(true);
    expect(cut).toContain("[truncated: 49000 more characters omitted]");
  });

  it("names the node ids a template needs", () => {
    const needs = templateNeeds("{{steps.a.output}} {{steps.b.diff}} {{steps.c.contestants}} {{inputs.task}}");
    expect([...needs.steps]).toEqual(["a", "b"]);
    expect([...needs.contestants]).toEqual(["c"]);
    expect(needs.inputs).toBe(true);
    expect(templateNeeds("{{steps.a.output}} plain").inputs).toBe(false);
  });
});

describe("concatOutputs", () => {
  it("joins outputs under headings with the separator", () => {
    expect(concatOutputs([step("a", "one\n"), step("b", "two")], "\n==\n")).toBe("## a\n\none\n==\n## b\n\ntwo");
  });
});
