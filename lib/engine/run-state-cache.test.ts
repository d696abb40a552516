import { describe, expect, it } from "vitest";
import type { FlowDocument } from "../flow/document";
import { initialRunState } from "./initial-state";
import { plan } from "./plan";
import { predictAdvance } from "./predict-advance";
import { reduce } from "./reducer";
import { RunStateCache, runStateCache, withChanges } from "./run-state-cache";
import type { RunState } from "./run-state";

const chain: FlowDocument = {
  name: "chain",
  inputs: [],
  nodes: ["a", "b", "c"].map((id) => ({ id, kind: "agent" as const, config: { profile: "demo", prompt: `do ${id}` } })),
  edges: [
    { from: "a", to: "b" },
    { from: "b", to: "c" },
  ],
};

function started(): RunState {
  return reduce(initialRunState(plan(chain, {})), { type: "settle" }).state;
}

describe("RunStateCache", () => {
  it("answers only for the exact version stored", () => {
    const cache = new RunStateCache();
    const state = started();
    cache.put("run_1", 4, state);
    expect(cache.get("run_1", 4)?.steps.map((s) => s.state)).toEqual(["ready", "pending", "pending"]);
    expect(cache.get("run_1", 3)).toBeUndefined();
    expect(cache.get("run_1", 5)).toBeUndefined();
    expect(cache.get("run_2", 4)).toBeUndefined();
  });

  it("keeps the newer state when two writes of one run are stored out of order", () => {
    const cache = new RunStateCache();
    const older = started();
    const newer = withChanges(older, [{ id: "a", state: "succeeded", error: null, attempt: 1, maxAttempts: 1, cancelRequested: false }]);
    cache.put("run_1", 6, newer);
    cache.put("run_1", 5, older);
    expect(cache.latest("run_1")?.version).toBe(6);
    expect(cache.get("run_1", 6)?.steps[0].state).toBe("succeeded");
  });

  it("stores what a reload would read: failures final, errors shortened", () => {
    const cache = new RunStateCache();
    const state = started();
    const failed = { ...state, steps: state.steps.map((s, i) => (i === 0 ? { ...s, state: "failed" as const, retryable: true, error: "x".repeat(900) } : s)) };
    cache.put("run_1", 1, failed);
    const stored = cache.get("run_1", 1)!;
    expect(stored.steps[0]).toMatchObject({ retryable: false });
    expect(stored.steps[0].error).toHaveLength(500);
  });

  it("forgets the least recently stored run past its bound", () => {
    const cache = new RunStateCache(2);
    cache.put("run_1", 1, started());
    cache.put("run_2", 1, started());
    cache.put("run_3", 1, started());
    expect(cache.size).toBe(2);
    expect(cache.latest("run_1")).toBeUndefined();
    expect(cache.latest("run_3")).toBeDefined();
  });
});

describe("predictAdvance", () => {
  it("predicts the next step of a chain from the remembered state, and nothing for an unknown run", () => {
    runStateCache.put("run_predict", 7, started());
    const prediction = predictAdvance("run_predict", { id: "a", state: "succeeded", error: null })!;
    expect(prediction.expectedVersion).toBe(7);
    expect(prediction.transitions).toEqual([{ id: "b", state: "ready", error: null, retryable: null }]);
    expect(prediction.run).toBeNull();
    prediction.onCommit(8);
    expect(runStateCache.latest("run_predict")).toMatchObject({ version: 8 });
    expect(runStateCache.get("run_predict", 8)?.steps.map((s) => s.state)).toEqual(["succeeded", "ready", "pending"]);
    expect(predictAdvance("run_never_seen", { id: "a", state: "succeeded", error: null })).toBeNull();
  });

  it("predicts a failure's skips and the run's end", () => {
    runStateCache.put("run_fail", 1, started());
    const prediction = predictAdvance("run_fail", { id: "a", state: "failed", error: "boom" })!;
    expect(prediction.transitions.map((t) => [t.id, t.state])).toEqual([
      ["b", "skipped"],
      ["c", "skipped"],
    ]);
    expect(prediction.run).toEqual({ status: "failed", error: 'step "a" failed: boom', finished: true });
    prediction.onStale();
    expect(runStateCache.latest("run_fail")).toBeUndefined();
  });
});
