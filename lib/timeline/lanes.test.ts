import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { AttemptDto, StepDto } from "../client/run-types";
import { attemptFixture, stepFixture } from "../contract/testing";
import { buildTimeline, formatDuration, timeScale } from "./lanes";

const T0 = Date.parse("2026-01-01T00:00:00.000Z");
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

const step = (overrides: Partial<StepDto> & Pick<StepDto, "id" | "key" | "nodeId">): StepDto => stepFixture(overrides);

const attempt = (overrides: Partial<AttemptDto> & Pick<AttemptDto, "stepId" | "attempt" | "state">): AttemptDto => attemptFixture(overrides);

describe("buildTimeline", () => {
  const steps = [
    step({ id: "p", key: "plan", nodeId: "plan", state: "succeeded", attempt: 2, startedAt: at(1000), finishedAt: at(2000), diffStats: { files: 1, additions: 4, deletions: 1 } }),
    step({ id: "c0", key: "build#0", nodeId: "build", kind: "arena", role: "contestant", state: "succeeded", attempt: 1, spec: { profile: "demo" }, startedAt: at(2000), finishedAt: at(2600) }),
    step({ id: "c1", key: "build#1", nodeId: "build", kind: "arena", role: "contestant", state: "running", attempt: 1, spec: { profile: "qwen" }, startedAt: at(2000) }),
    step({ id: "sel", key: "build", nodeId: "build", kind: "arena", role: "select", state: "succeeded", attempt: 1, winner: "build#0", startedAt: at(2600), finishedAt: at(2700) }),
    step({ id: "sum", key: "summary", nodeId: "summary", kind: "fold", state: "pending" }),
  ];
  const attempts = [
    attempt({ stepId: "p", attempt: 1, state: "failed", startedAt: at(0), finishedAt: at(500), error: "\nexit code 1: tests failed\nmore" }),
    attempt({ stepId: "p", attempt: 2, state: "succeeded", startedAt: at(1000), finishedAt: at(1900) }),
  ];

  it("makes one lane per node in flow order, contestants as sub-lanes, the winner marked", () => {
    const timeline = buildTimeline(steps, attempts, T0 + 5000, ["plan", "build", "summary"]);
    expect(timeline.lanes.map((l) => l.nodeId)).toEqual(["plan", "build", "summary"]);
    const build = timeline.lanes[1];
    expect(build.subLanes.map((s) => [s.key, s.label, s.winner, s.loser])).toEqual([
      ["build#0", "#0 demo", true, false],
      ["build#1", "#1 qwen", false, true],
      ["build", "select", false, false],
    ]);
    // Before the select has picked, nobody has lost.
    const undecided = buildTimeline(steps.map((s) => (s.id === "sel" ? { ...s, winner: null } : s)), attempts, T0 + 5000);
    expect(undecided.lanes[1].subLanes.map((s) => s.loser)).toEqual([false, false, false]);
    expect(build.subLanes[0].bars[0].winner).toBe(true);
    expect(timeline.lanes[2].subLanes[0].bars).toEqual([]);
  });

  it("draws a bar per attempt, the step row winning over its archived copy", () => {
    const plan = buildTimeline(steps, attempts, T0 + 5000).lanes[0].subLanes[0];
    expect(plan.bars.map((b) => [b.attempt, b.state, b.start - T0, b.end - T0, b.failure])).toEqual([
      [1, "failed", 0, 500, "exit code 1: tests failed"],
      [2, "succeeded", 1000, 2000, null],
    ]);
    expect([plan.bars[1].additions, plan.bars[1].deletions]).toEqual([4, 1]);
  });

  it("marks an attempt whose worker was lost, apart from the step's own failures", () => {
    const lost = [
      attempt({ stepId: "p", attempt: 1, state: "failed", startedAt: at(0), finishedAt: at(500), error: "worker lost: the lease of wkr_a expired", detail: { workerLost: { worker: "wkr_a", leaseLosses: 1 } } }),
      attempt({ stepId: "p", attempt: 2, state: "succeeded", startedAt: at(1000), finishedAt: at(1900) }),
    ];
    const plan = buildTimeline(steps, lost, T0 + 5000).lanes[0].subLanes[0];
    expect(plan.bars.map((b) => [b.attempt, b.state, b.workerLost])).toEqual([
      [1, "failed", true],
      [2, "succeeded", false],
    ]);
    expect(buildTimeline(steps, attempts, T0 + 5000).lanes[0].subLanes[0].bars[0].workerLost).toBe(false);
  });

  it("grows live bars to now and spans the whole run", () => {
    const early = buildTimeline(steps, attempts, T0 + 3000);
    const later = buildTimeline(steps, attempts, T0 + 8000);
    const live = (t: typeof early) => t.lanes[1].subLanes[1].bars[0];
    expect(live(early)).toMatchObject({ live: true, end: T0 + 3000 });
    expect(live(later)).toMatchObject({ live: true, end: T0 + 8000 });
    expect([later.start, later.end]).toEqual([T0, T0 + 8000]);
  });

  it("marks a bar that timed out (detail.reason timed_out), not other failures", () => {
    const timed = step({ id: "s_t", key: "t", nodeId: "t", state: "failed", attempt: 1, startedAt: at(0), finishedAt: at(5000), error: "timed out after 5000 ms", detail: { reason: "timed_out" } });
    const crashed = step({ id: "s_c", key: "c", nodeId: "c", state: "failed", attempt: 1, startedAt: at(0), finishedAt: at(5000), error: "agent exited", detail: {} });
    const bars = buildTimeline([timed, crashed], [], T0 + 6000).lanes.flatMap((l) => l.subLanes.flatMap((s) => s.bars));
    expect(bars.map((b) => [b.key, b.timedOut, b.failure])).toEqual([
      ["t", true, "timed out after 5000 ms"],
      ["c", false, "agent exited"],
    ]);
  });

  it("gives an empty run a non-empty span", () => {
    const timeline = buildTimeline([], [], T0);
    expect(timeline.end).toBeGreaterThan(timeline.start);
  });
});

describe("timeScale", () => {
  it("maps the span onto the pixels, clamped, with a minimum bar width", () => {
    const scale = timeScale(1000, 3000, 200);
    expect([scale.x(1000), scale.x(2000), scale.x(3000), scale.x(9000), scale.x(0)]).toEqual([0, 100, 200, 200, 0]);
    expect(scale.width(1500, 1501)).toBe(2);
  });

  it("produces ordered ticks within the range (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 2, max: 12 }), (span, count) => {
        const ticks = timeScale(0, span, 800).ticks(count);
        expect(ticks.length).toBeGreaterThanOrEqual(1);
        expect(ticks.length).toBeLessThanOrEqual(count * 3 + 1);
        for (let i = 1; i < ticks.length; i++) expect(ticks[i].x).toBeGreaterThan(ticks[i - 1].x);
        expect(ticks[ticks.length - 1].x).toBeLessThanOrEqual(800);
      }),
    );
  });

  it("formats durations compactly", () => {
    expect([formatDuration(850), formatDuration(4200), formatDuration(42_000), formatDuration(185_000), formatDuration(3_720_000)]).toEqual([
      "850ms",
      "4.2s",
      "42s",
      "3m 05s",
      "1h 02m",
    ]);
  });
});
