import { describe, expect, it } from "vitest";
import { planResult, seriesMessage, type ResultStepInput } from "./result-plan";

const step = (key: string, extra: Partial<ResultStepInput> = {}): ResultStepInput => ({
  key,
  nodeId: key.split("#")[0],
  role: key.includes("#") ? "contestant" : "node",
  state: "succeeded",
  upstream: [],
  startCommit: `start-${key}`,
  resultCommit: `result-${key}`,
  winner: null,
  attempt: 1,
  profile: "demo",
  model: null,
  prompt: `do ${key}`,
  summary: `did ${key}`,
  ...extra,
});

describe("planResult", () => {
  it("one sink: its commit; seen through a commit-less sink (an approval)", () => {
    const plan = planResult([step("a"), step("b", { upstream: ["a"] }), step("ok", { upstream: ["b"], resultCommit: null, startCommit: null })]);
    expect(plan.sinks).toEqual(["ok"]);
    expect(plan.sources).toEqual([{ nodeId: "b", key: "b", commit: "result-b" }]);
    expect(plan.series.map((s) => s.key)).toEqual(["a", "b"]);
  });

  it("several sinks: each one's commit, in plan order; duplicates collapse", () => {
    const plan = planResult([step("a"), step("l", { upstream: ["a"] }), step("r", { upstream: ["a"] }), step("same", { upstream: ["r"], startCommit: "result-r", resultCommit: "result-r" })]);
    expect(plan.sinks).toEqual(["l", "same"]);
    expect(plan.sources.map((s) => s.commit)).toEqual(["result-l", "result-r"]);
    // "same" changed nothing: no patch for it.
    expect(plan.series.map((s) => s.key)).toEqual(["a", "l", "r"]);
  });

  it("a failed step is walked through: the partial result is what succeeded before it", () => {
    const plan = planResult([
      step("a"),
      step("b", { upstream: ["a"], state: "failed", resultCommit: null }),
      step("c", { upstream: ["b"], state: "skipped", resultCommit: null, startCommit: null }),
    ]);
    expect(plan.sources.map((s) => s.key)).toEqual(["a"]);
    expect(plan.series.map((s) => s.key)).toEqual(["a"]);
  });

  it("a canceled or re-running step's commit doesn't count", () => {
    const plan = planResult([step("a"), step("b", { upstream: ["a"], state: "canceled" })]);
    expect(plan.sources.map((s) => s.key)).toEqual(["a"]);
  });

  it("an arena contributes its winner's work", () => {
    const plan = planResult([
      step("plan"),
      step("build#0", { upstream: ["plan"] }),
      step("build#1", { upstream: ["plan"] }),
      step("build", { role: "select", upstream: ["plan"], winner: "build#1", resultCommit: "result-build#1", startCommit: null }),
    ]);
    expect(plan.sources).toEqual([{ nodeId: "build", key: "build", commit: "result-build#1" }]);
    expect(plan.series.map((s) => s.key)).toEqual(["plan", "build#1"]);
  });

  it("nothing succeeded: no sources", () => {
    expect(planResult([step("a", { state: "running", resultCommit: null })]).sources).toEqual([]);
  });
});

describe("seriesMessage", () => {
  it("names the step, the run, the profile and the prompt", () => {
    const [only] = planResult([step("a", { model: "m1", prompt: "line one\nline two" })]).series;
    expect(seriesMessage(only, "run_1")).toBe(
      "a: did a\n\nBaton run run_1, step a, attempt 1\nProfile: demo (model m1)\n\nPrompt:\n    line one\n    line two",
    );
  });
});
