import { describe, expect, it } from "vitest";
import { parseTemplate, renderTemplate, truncationMarker } from "./template";

describe("parseTemplate", () => {
  it("finds input and step references with their positions", () => {
    const text = "Do {{inputs.task}} after {{ steps.plan.output }} / {{steps.build.diff}} {{steps.ar.contestants}}";
    const { refs, errors } = parseTemplate(text);
    expect(errors).toEqual([]);
    expect(refs.map((r) => (r.kind === "input" ? `input:${r.name}` : `${r.nodeId}.${r.field}`))).toEqual([
      "input:task",
      "plan.output",
      "build.diff",
      "ar.contestants",
    ]);
    expect(text.slice(refs[1].index, refs[1].index + refs[1].raw.length)).toBe("{{ steps.plan.output }}");
  });

  it("reports unknown shapes instead of ignoring them", () => {
    const { refs, errors } = parseTemplate("{{inputs}} {{steps.a}} {{steps.a.b.c}} {{env.HOME}} {{steps.a.log}}");
    expect(refs).toEqual([]);
    expect(errors.map((e) => e.raw)).toEqual(["{{inputs}}", "{{steps.a}}", "{{steps.a.b.c}}", "{{env.HOME}}", "{{steps.a.log}}"]);
    expect(errors[4].message).toMatch(/unknown field "log"/);
  });

  it("leaves single braces and text alone", () => {
    expect(parseTemplate("function f() { return {a: 1}; }")).toEqual({ refs: [], errors: [] });
  });
});

describe("renderTemplate", () => {
  const values: Record<string, string> = { "input:task": "fix #12", "plan.output": "1. read\n2. fix" };
  const resolve = (ref: Parameters<Parameters<typeof renderTemplate>[1]["resolve"]>[0]) =>
    values[ref.kind === "input" ? `input:${ref.name}` : `${ref.nodeId}.${ref.field}`] ?? "";

  it("substitutes every reference in place", () => {
    expect(renderTemplate("Task: {{inputs.task}}\nPlan:\n{{steps.plan.output}}!", { resolve })).toBe(
      "Task: fix #12\nPlan:\n1. read\n2. fix!",
    );
  });

  it("does not re-expand placeholders inside substituted values", () => {
    const out = renderTemplate("{{inputs.task}}", { resolve: () => "{{inputs.task}}" });
    expect(out).toBe("{{inputs.task}}");
  });

  it("cuts values over the limit with a visible marker, never silently", () => {
    const long = "x".repeat(120);
    const out = renderTemplate("[{{inputs.task}}]", { resolve: () => long, valueLimit: 100 });
    expect(out).toBe(`[${"x".repeat(100)}${truncationMarker(20)}]`);
    expect(out).toContain("truncated: 20 more characters omitted");
  });

  it("keeps large values whole under the default limit", () => {
    const big = "y".repeat(500_000);
    expect(renderTemplate("{{inputs.task}}", { resolve: () => big })).toBe(big);
  });
});
