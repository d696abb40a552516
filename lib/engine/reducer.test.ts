import { describe, expect, it } from "vitest";
import type { FlowDocument, FlowNode } from "../flow/document";
import { plan } from "./plan";
import { initialRunState } from "./initial-state";
import { reduce, type RunEvent } from "./reducer";
import type { RunState } from "./run-state";

const agent = (id: string, extra: Record<string, unknown> = {}): FlowNode => ({
  id,
  kind: "agent",
  config: { profile: "demo", prompt: `do ${id}`, ...extra },
});

function flow(nodes: FlowNode[], edges: Array<[string, string]>): FlowDocument {
  return { name: "t", inputs: [], nodes, edges: edges.map(([from, to]) => ({ from, to })) };
}

function start(document: FlowDocument): RunState {
  const result = reduce(initialRunState(plan(document, {})), { type: "settle" });
  expect(result.rejected).toBeUndefined();
  return result.state;
}

function apply(state: RunState, ...events: RunEvent[]): RunState {
  for (const event of events) {
    const result = reduce(state, event);
    if (result.rejected) throw new Error(result.rejected);
    state = result.state;
  }
  return state;
}

const states = (state: RunState) => Object.fromEntries(state.steps.map((s) => [s.key, s.state]));
const run = (key: string, outcome: "succeeded" | "failed" | "waiting" = "succeeded"): RunEvent[] => [
  { type: "step-started", key },
  { type: "step-finished", key, state: outcome },
];

const arena = (mode: "first" | "check" | "judge" | "manual", n = 3): FlowNode => ({
  id: "build",
  kind: "arena",
  config: {
    prompt: "build",
    contestants: Array.from({ length: n }, () => ({ profile: "demo" })),
    select: mode === "check" ? { mode, command: ["true"] } : mode === "judge" ? { mode, profile: "demo" } : { mode },
  },
});

describe("reducer", () => {
  it("readies roots, then dependents once all their inputs succeeded (fold waits)", () => {
    let s = start(
      flow([agent("a"), agent("b"), { id: "f", kind: "fold", config: { mode: "concat" } }], [["a", "f"], ["b", "f"]]),
    );
    expect(states(s)).toEqual({ a: "ready", b: "ready", f: "pending" });
    s = apply(s, ...run("a"));
    expect(states(s).f).toBe("pending");
    s = apply(s, ...run("b"));
    expect(states(s).f).toBe("ready");
    s = apply(s, ...run("f"));
    expect(s.status).toBe("succeeded");
    expect(s.finished).toBe(true);
  });

  it("skips exactly the descendants of a failure and lets other branches finish", () => {
    let s = start(flow([agent("a"), agent("b"), agent("c"), agent("d")], [["a", "b"], ["b", "c"]]));
    s = apply(s, ...run("a", "failed"));
    expect(states(s)).toEqual({ a: "failed", b: "skipped", c: "skipped", d: "ready" });
    expect(s.status).toBe("running");
    s = apply(s, ...run("d"));
    expect(s.status).toBe("failed");
  });

  it("retries a retryable failure while attempts are left, not a non-retryable one", () => {
    let s = start(flow([agent("a", { retries: 1 }), agent("b", { retries: 3 })], []));
    s = apply(s, ...run("a", "failed"));
    expect(states(s).a).toBe("ready");
    s = apply(s, ...run("a", "failed"));
    expect(states(s).a).toBe("failed");
    s = apply(s, { type: "step-started", key: "b" }, { type: "step-finished", key: "b", state: "failed", retryable: false });
    expect(states(s).b).toBe("failed");
    expect(s.status).toBe("failed");
  });

  it("first: the select is ready when one contestant succeeds; the others get canceled", () => {
    let s = start(flow([arena("first"), agent("after")], [["build", "after"]]));
    s = apply(s, { type: "step-started", key: "build#0" }, { type: "step-started", key: "build#1" });
    const result = reduce(s, { type: "step-finished", key: "build#1", state: "succeeded" });
    expect(states(result.state)).toMatchObject({ "build#0": "running", "build#1": "succeeded", "build#2": "canceled", build: "ready" });
    expect(result.commands).toContainEqual({ type: "step-cancel-request", key: "build#0" });
  });

  it("check/judge/manual: the select waits for every contestant; all failed → select fails", () => {
    for (const mode of ["check", "judge", "manual"] as const) {
      let s = start(flow([arena(mode, 2), agent("after")], [["build", "after"]]));
      s = apply(s, ...run("build#0"));
      expect(states(s).build).toBe("pending");
      s = apply(s, ...run("build#1", "failed"));
      expect(states(s).build).toBe("ready");
    }
    let s = start(flow([arena("first", 2), agent("after")], [["build", "after"]]));
    s = apply(s, ...run("build#0", "failed"), ...run("build#1", "failed"));
    expect(states(s)).toMatchObject({ build: "failed", after: "skipped" });
    expect(s.status).toBe("failed");
  });

  it("manual select waits, then a picked winner lets the run go on; bad winners are rejected", () => {
    let s = start(flow([arena("manual", 2), agent("after")], [["build", "after"]]));
    s = apply(s, ...run("build#0"), ...run("build#1", "failed"), ...run("build", "waiting"));
    expect(s.status).toBe("waiting");
    expect(reduce(s, { type: "select-winner", key: "build", winner: "build#1" }).rejected).toMatch(/only a contestant that succeeded/);
    expect(reduce(s, { type: "select-winner", key: "build", winner: "x" }).rejected).toMatch(/not a contestant/);
    const picked = reduce(s, { type: "select-winner", key: "build", winner: "build#0" });
    expect(picked.commands).toContainEqual(expect.objectContaining({ key: "build", to: "succeeded", winner: "build#0" }));
    expect(states(picked.state).after).toBe("ready");
  });

  it("approval waits until approved", () => {
    let s = start(flow([agent("a"), { id: "ok", kind: "approval", config: {} }, agent("b")], [["a", "ok"], ["ok", "b"]]));
    s = apply(s, ...run("a"), ...run("ok", "waiting"));
    expect(s.status).toBe("waiting");
    expect(reduce(s, { type: "approve", key: "a" }).rejected).toMatch(/not an approval/);
    s = apply(s, { type: "approve", key: "ok" });
    expect(states(s).b).toBe("ready");
    expect(s.status).toBe("running");
  });

  it("reject fails a waiting approval with the reason, skips what follows, fails the run; request changes re-runs upstream and the approval waits again", () => {
    const gated = flow([agent("a"), { id: "ok", kind: "approval", config: {} }, agent("b")], [["a", "ok"], ["ok", "b"]]);
    let s = apply(start(gated), ...run("a"), ...run("ok", "waiting"));
    expect(reduce(s, { type: "reject", key: "a", reason: "no" }).rejected).toMatch(/not an approval/);
    const rejected = reduce(s, { type: "reject", key: "ok", reason: "too risky" });
    expect(states(rejected.state)).toEqual({ a: "succeeded", ok: "failed", b: "skipped" });
    expect(rejected.state.status).toBe("failed");
    expect(rejected.commands).toContainEqual(expect.objectContaining({ key: "ok", to: "failed", error: "rejected: too risky", retryable: false }));
    expect(rejected.commands).toContainEqual(expect.objectContaining({ type: "run-state", to: "failed", error: 'step "ok" failed: rejected: too risky' }));
    expect(reduce(rejected.state, { type: "reject", key: "ok", reason: "again" }).rejected).toMatch(/only a waiting approval/);
    // Request changes is a re-run of the upstream step: the waiting approval goes back to pending.
    s = apply(s, { type: "rerun-step", key: "a" });
    expect(states(s)).toEqual({ a: "ready", ok: "pending", b: "pending" });
    s = apply(s, ...run("a"), ...run("ok", "waiting"));
    expect(s.status).toBe("waiting");
  });

  it("cancel-run cancels what hasn't started, asks running steps to stop, finishes when they end", () => {
    let s = start(flow([agent("a"), agent("b"), agent("c")], [["a", "c"]]));
    s = apply(s, { type: "step-started", key: "a" });
    const canceled = reduce(s, { type: "cancel-run" });
    expect(states(canceled.state)).toEqual({ a: "running", b: "canceled", c: "canceled" });
    expect(canceled.commands).toContainEqual({ type: "step-cancel-request", key: "a" });
    expect(canceled.state).toMatchObject({ status: "canceled", finished: false });
    s = apply(canceled.state, { type: "step-finished", key: "a", state: "canceled" });
    expect(s).toMatchObject({ status: "canceled", finished: true });
    expect(reduce(s, { type: "cancel-run" }).rejected).toMatch(/already canceled/);
  });

  it("rerun-step re-runs the step and resets its descendants, reusing upstream results", () => {
    let s = start(flow([agent("a"), agent("b"), agent("c"), agent("d")], [["a", "b"], ["b", "c"]]));
    s = apply(s, ...run("a"), ...run("d"), ...run("b", "failed"));
    expect(s.status).toBe("failed");
    expect(reduce(s, { type: "rerun-step", key: "c" }).rejected).toMatch(/skipped/);
    const rerun = reduce(s, { type: "rerun-step", key: "b" });
    expect(states(rerun.state)).toEqual({ a: "succeeded", b: "ready", c: "pending", d: "succeeded" });
    expect(rerun.state.status).toBe("running");
    expect(reduce(rerun.state, { type: "rerun-step", key: "b" }).rejected).toMatch(/cannot re-run a ready step/);
    s = apply(rerun.state, ...run("b"), ...run("c"));
    expect(s.status).toBe("succeeded");
    expect(s.steps.find((x) => x.key === "b")!.attempt).toBe(2);
  });

  it("gives a re-run step and its re-run descendants a fresh retry budget", () => {
    let s = start(flow([agent("a", { retries: 1 }), agent("b", { retries: 1 })], [["a", "b"]]));
    s = apply(s, ...run("a"), ...run("b"));
    const rerun = reduce(s, { type: "rerun-step", key: "a" });
    expect(rerun.state.steps.map((x) => [x.key, x.maxAttempts])).toEqual([
      ["a", 3],
      ["b", 3],
    ]);
  });

  it("refuses to re-run while the run is running, and a first-arena loser after a win", () => {
    let s = start(flow([agent("a"), agent("b")], []));
    s = apply(s, ...run("a"));
    expect(reduce(s, { type: "rerun-step", key: "a" }).rejected).toMatch(/the run is running/);
    s = start(flow([arena("first", 2)], []));
    s = apply(s, ...run("build#0", "failed"), ...run("build#1"), ...run("build"));
    expect(reduce(s, { type: "rerun-step", key: "build#0" }).rejected).toMatch(/already won by "build#1"/);
    expect(reduce(s, { type: "rerun-step", key: "build" }).rejected).toBeUndefined();
  });

  it("an empty flow succeeds at once", () => {
    expect(start(flow([], []))).toMatchObject({ status: "succeeded", finished: true });
  });
});
