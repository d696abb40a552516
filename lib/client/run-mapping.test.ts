import { describe, expect, it } from "vitest";
import { toRunDetail, toRunSummary } from "./run-mapping";

describe("toRunDetail", () => {
  it("reads a wrapped detail with flow, steps and attempts, normalising dates and numbers", () => {
    const detail = toRunDetail({
      run: { id: "r1", flowId: "f1", flowVersion: 3, status: "running", usage: { inputTokens: "12" }, createdAt: "2026-01-01T00:00:00Z", startedAt: 1767225600000 },
      flow: { id: "f1", name: "Example" },
      document: { nodes: [], edges: [] },
      steps: [{ id: "s1", key: "plan", nodeId: "plan", state: "running", attempt: 2, diffStats: { files: 1, additions: 3, deletions: 0 } }],
      attempts: [{ stepId: "s1", attempt: 1, state: "failed", error: "boom" }],
    });
    expect(detail).toMatchObject({ id: "r1", flowName: "Example", flowVersion: 3, status: "running", usage: { inputTokens: 12 } });
    expect(detail.startedAt).toBe("2026-01-01T00:00:00.000Z");
    expect(detail.steps[0]).toMatchObject({ key: "plan", state: "running", attempt: 2, role: "node", diffStats: { additions: 3 } });
    expect(detail.attempts[0]).toMatchObject({ stepId: "s1", attempt: 1, state: "failed", error: "boom" });
    expect(detail.document).toEqual({ nodes: [], edges: [] });
  });

  it("reads attempts nested under their steps (the Run API's shape)", () => {
    const detail = toRunDetail({
      id: "r3",
      status: "succeeded",
      steps: [{ id: "s1", key: "a", nodeId: "a", state: "succeeded", attempt: 2, attempts: [{ attempt: 1, state: "failed" }, { attempt: 2, state: "succeeded" }] }],
    });
    expect(detail.attempts.map((a) => [a.stepId, a.attempt, a.state])).toEqual([
      ["s1", 1, "failed"],
      ["s1", 2, "succeeded"],
    ]);
  });

  it("falls back to safe defaults for unknown states and missing fields", () => {
    const detail = toRunDetail({ id: "r2", status: "exploded", steps: [{ id: "s", state: "weird" }] });
    expect(detail.status).toBe("pending");
    expect(detail.steps[0]).toMatchObject({ state: "pending", attempt: 0, maxAttempts: 1, dependsOn: [], diffStats: null, usage: {} });
  });
});

describe("toRunSummary", () => {
  it("reads step counts flat or nested", () => {
    expect(toRunSummary({ id: "a", status: "failed", stepsTotal: 3, stepsSucceeded: 1, stepsFailed: 1 })).toMatchObject({ stepsTotal: 3, stepsSucceeded: 1, stepsFailed: 1 });
    expect(toRunSummary({ id: "b", status: "succeeded", counts: { total: 2, succeeded: 2, failed: 0, running: 0 } })).toMatchObject({ stepsTotal: 2, stepsSucceeded: 2 });
  });
});
