import { describe, expect, it } from "vitest";
import { EXAMPLE_FLOW } from "../flow/example";
import { plan, PlanError } from "./plan";

describe("plan", () => {
  it("plans the example: contestants depend on upstream, select on contestants, downstream on the node id", () => {
    const result = plan(EXAMPLE_FLOW, { task: "greet" });
    expect(result.inputs).toEqual({ task: "greet" });
    expect(result.steps.map((s) => [s.key, s.role, s.dependsOn])).toEqual([
      ["plan", "node", []],
      ["build#0", "contestant", ["plan"]],
      ["build#1", "contestant", ["plan"]],
      ["build", "select", ["build#0", "build#1"]],
      ["summary", "node", ["build"]],
    ]);
    const contestant = result.steps[2];
    expect(contestant.spec).toMatchObject({ profile: "demo", options: { delayMs: 90 }, contestantIndex: 1, workspace: "code" });
    expect(contestant.requiredTags).toEqual([]);
    expect(plan(EXAMPLE_FLOW, { task: "greet" }, { profileTags: true }).steps[2].requiredTags).toEqual(["profile:demo"]);
    expect(result.steps[3].spec).toHaveProperty("select", { mode: "first" });
  });

  it("carries timeouts, retries and judge profiles", () => {
    const result = plan(
      {
        name: "x",
        inputs: [],
        nodes: [
          { id: "a", kind: "agent", config: { profile: "demo", prompt: "p", timeoutSec: 5, retries: 2, workspace: "none" } },
          {
            id: "b",
            kind: "arena",
            config: { prompt: "p", contestants: [{ profile: "demo" }, { profile: "other" }], select: { mode: "judge", profile: "judge" } },
          },
          { id: "c", kind: "check", config: { command: ["npm", "test"] } },
        ],
        edges: [],
      },
      {},
      { profileTags: true },
    );
    expect(result.steps[0]).toMatchObject({ maxAttempts: 3, timeoutMs: 5000, spec: { workspace: "none", retries: 2 } });
    expect(result.steps.find((s) => s.key === "b")!.requiredTags).toEqual(["profile:judge"]);
    expect(result.steps.find((s) => s.key === "b#1")!.requiredTags).toEqual(["profile:other"]);
    expect(result.steps.find((s) => s.key === "c")).toMatchObject({ requiredTags: [], spec: { command: ["npm", "test"] } });
  });

  it("rejects unknown and missing inputs, applies defaults", () => {
    const flow = { ...EXAMPLE_FLOW, inputs: [{ name: "task", required: true }, { name: "tone", default: "dry" }] };
    expect(() => plan(flow, { nope: "x", task: "t" })).toThrow(PlanError);
    expect(() => plan(flow, {})).toThrow(/required input "task" is missing/);
    expect(plan(flow, { task: "t" }).inputs).toEqual({ task: "t", tone: "dry" });
  });
});
