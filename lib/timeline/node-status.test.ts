import { describe, expect, it } from "vitest";
import type { StepDto } from "../client/run-types";
import { stepFixture } from "../contract/testing";
import { nodeOverlays, stepForNode } from "./node-status";

const T0 = Date.parse("2026-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();

const step = (o: Partial<StepDto> & Pick<StepDto, "id" | "key" | "nodeId" | "state">): StepDto => stepFixture({ attempt: 1, ...o });

describe("nodeOverlays", () => {
  it("shows a plain node's state, attempt and elapsed time (live while running)", () => {
    const overlays = nodeOverlays(
      [
        step({ id: "a", key: "a", nodeId: "a", state: "succeeded", attempt: 2, startedAt: at(0), finishedAt: at(1500) }),
        step({ id: "b", key: "b", nodeId: "b", state: "running", startedAt: at(1000) }),
        step({ id: "c", key: "c", nodeId: "c", state: "pending", attempt: 0 }),
      ],
      T0 + 4000,
    );
    expect(overlays.get("a")).toEqual({ state: "succeeded", attempt: 2, elapsedMs: 1500 });
    expect(overlays.get("b")).toEqual({ state: "running", attempt: 1, elapsedMs: 3000 });
    expect(overlays.get("c")).toEqual({ state: "pending", attempt: 0 });
  });

  it("shows an arena as running while contestants run, then as its select step", () => {
    const contestants = (s0: StepDto["state"], s1: StepDto["state"]) => [
      step({ id: "c0", key: "x#0", nodeId: "x", role: "contestant", state: s0, startedAt: at(0), finishedAt: s0 === "running" ? null : at(900) }),
      step({ id: "c1", key: "x#1", nodeId: "x", role: "contestant", state: s1, startedAt: at(0), finishedAt: s1 === "running" ? null : at(1200) }),
    ];
    const select = (state: StepDto["state"]) => step({ id: "s", key: "x", nodeId: "x", role: "select", state, attempt: state === "pending" ? 0 : 1 });
    expect(nodeOverlays([...contestants("running", "succeeded"), select("pending")], T0 + 2000).get("x")?.state).toBe("running");
    expect(nodeOverlays([...contestants("failed", "failed"), select("pending")], T0 + 2000).get("x")?.state).toBe("failed");
    expect(nodeOverlays([...contestants("succeeded", "succeeded"), select("waiting")], T0 + 2000).get("x")).toMatchObject({
      state: "waiting",
      elapsedMs: 2000,
    });
    expect(nodeOverlays([...contestants("succeeded", "failed"), select("succeeded")], T0 + 2000).get("x")).toMatchObject({
      state: "succeeded",
      elapsedMs: 1200,
    });
  });
});

describe("stepForNode", () => {
  const arena = (winner: string | null, selectState: StepDto["state"] = "succeeded") => [
    step({ id: "c0", key: "race#0", nodeId: "race", role: "contestant", state: "succeeded" }),
    step({ id: "c1", key: "race#1", nodeId: "race", role: "contestant", state: "succeeded" }),
    step({ id: "c2", key: "race#2", nodeId: "race", role: "contestant", state: "succeeded" }),
    step({ id: "sel", key: "race", nodeId: "race", role: "select", state: selectState, winner }),
  ];

  it("opens an arena on its winner, not on contestant #0", () => {
    expect(stepForNode(arena("race#2"), "race")?.key).toBe("race#2");
  });

  it("opens a waiting select (to pick), else the first contestant before anything won", () => {
    expect(stepForNode(arena(null, "waiting"), "race")?.key).toBe("race");
    expect(stepForNode(arena(null, "pending"), "race")?.key).toBe("race#0");
  });
});
