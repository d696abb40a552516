import { describe, expect, it } from "vitest";
import { jsonProblem, MAX_JSON_DEPTH } from "./json-guard";

describe("jsonProblem", () => {
  it("accepts ordinary values, paired surrogates (emoji) included", () => {
    expect(jsonProblem({ name: "Fix 🐛", nodes: [{ config: { prompt: "ünïcode", n: 1, ok: true, none: null } }] })).toBeNull();
  });

  it("names the field holding a NUL", () => {
    expect(jsonProblem({ nodes: [{ config: { prompt: "a\u0000b" } }] })).toEqual({
      path: "nodes[0].config.prompt",
      message: "contains a NUL character (\\u0000)",
    });
    expect(jsonProblem({ inputs: { task: "\u0000" } })?.path).toBe("inputs.task");
    expect(jsonProblem("\u0000")?.path).toBe("(root)");
  });

  it("names a key holding a NUL or a lone surrogate, printably", () => {
    expect(jsonProblem({ options: { "a\u0000": 1 } })).toEqual({ path: 'options["a\\u0000"]', message: "key contains a NUL character (\\u0000)" });
    expect(jsonProblem({ options: { "\ud800": 1 } })?.path).toBe('options["\\ud800"]');
  });

  it("refuses lone high and low surrogates", () => {
    for (const text of ["\ud800", "x\ud800y", "\udc00", "a\udfff", "\ud83d\ud83d"]) {
      expect(jsonProblem({ name: text })).toEqual({ path: "name", message: "contains a lone surrogate (invalid Unicode)" });
    }
  });

  it("bounds nesting without recursing (a 10,000-deep array)", () => {
    const deep = JSON.parse("[".repeat(10_000) + "]".repeat(10_000));
    const problem = jsonProblem({ nodes: [{ config: { options: { list: deep } } }] });
    expect(problem?.message).toBe(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    expect(problem?.path).toMatch(/^nodes\[0\]\.config\.options\.list(\[0\])+$/);
    const shallow = JSON.parse("[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH));
    expect(jsonProblem(shallow)).toBeNull();
  });
});
