import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  applyLiveEvent,
  applyLiveEvents,
  applyRunEvent,
  applyRunEvents,
  emptyLiveRun,
  exitCodeOf,
  parseRunEvent,
  prunePending,
  withPendingEvents,
} from "./run-events";
import { runFixture, stepFixture } from "../contract/testing";
import { toRunView, type RunDetail, type RunEvent, type StepDto } from "./run-types";

const step = (overrides: Partial<StepDto>): StepDto => stepFixture({ id: "s1", key: "plan", nodeId: "plan", ...overrides });

const run = (steps: StepDto[]): RunDetail => toRunView(runFixture(steps));

let nextId = 1;
function event(type: string, data: Record<string, unknown>, overrides: Partial<RunEvent> = {}): RunEvent {
  return { id: nextId++, type, runId: "r1", stepId: "s1", attempt: 1, data, createdAt: "2026-01-01T00:00:01.000Z", ...overrides };
}

describe("applyLiveEvent", () => {
  it("appends text chunks per attempt and ignores replayed ids", () => {
    const a = event("text-chunk", { text: "Hello " });
    const b = event("text-chunk", { text: "world" });
    const c = event("thought-chunk", { text: "hmm" });
    let live = applyLiveEvents(emptyLiveRun(), [a, b, c]);
    expect(live.attempts["s1:1"].text).toBe("Hello world");
    expect(live.attempts["s1:1"].thought).toBe("hmm");
    const again = applyLiveEvents(live, [a, b]);
    expect(again).toBe(live);
    live = applyLiveEvent(live, event("text-chunk", { text: "second" }, { attempt: 2 }));
    expect(live.attempts["s1:2"].text).toBe("second");
    expect(live.attempts["s1:1"].text).toBe("Hello world");
  });

  it("merges tool calls by id, replacing content and reading the exit code", () => {
    const live = applyLiveEvents(emptyLiveRun(), [
      event("tool-call", { toolCallId: "t1", title: "npm test", kind: "execute", status: "in_progress", rawInput: { command: ["npm", "test"] } }),
      event("tool-call", { toolCallId: "t2", title: "Edit a.ts", kind: "edit", status: "pending" }),
      event("tool-call-update", { toolCallId: "t1", status: "failed", rawOutput: { exitCode: 2 }, content: [{ type: "text", text: "1 failing" }] }),
      event("tool-call-update", {
        toolCallId: "t2",
        status: "completed",
        content: [{ type: "diff", path: "a.ts", oldText: "a", newText: "b" }],
      }),
    ]);
    const calls = live.attempts["s1:1"].toolCalls;
    expect(calls.map((c) => c.id)).toEqual(["t1", "t2"]);
    expect(calls[0]).toMatchObject({ title: "npm test", kind: "execute", status: "failed", exitCode: 2, texts: ["1 failing"] });
    expect(calls[1]).toMatchObject({ status: "completed", edits: [{ path: "a.ts", oldText: "a", newText: "b" }] });
  });

  it("keeps logs, plan, usage and the latest diff; ignores malformed data", () => {
    const live = applyLiveEvents(emptyLiveRun(), [
      event("log-line", { stream: "stderr", text: "warning" }),
      event("plan", { entries: [{ content: "step one", status: "pending" }] }),
      event("usage-report", { usage: { inputTokens: 10, outputTokens: 5 } }),
      event("diff-update", { diff: "d1", stats: { files: 1, additions: 2, deletions: 0 } }),
      event("diff-update", { diff: "d2", stats: { files: 1, additions: 3, deletions: 1 } }),
      event("text-chunk", { text: 42 }),
      event("mystery", { anything: true }),
    ]);
    const attempt = live.attempts["s1:1"];
    expect(attempt.logs).toEqual([{ stream: "stderr", text: "warning" }]);
    expect(attempt.plan).toEqual([{ content: "step one", status: "pending" }]);
    expect(attempt.usage).toEqual({ inputTokens: 10, outputTokens: 5 });
    expect(attempt).toMatchObject({ diff: "d2", diffStats: { files: 1, additions: 3, deletions: 1 }, text: "" });
    expect(live.lastEventId).toBe(nextId - 1);
  });

  it("is the same whether a stream is applied once or replayed from any point (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 5 }), { minLength: 1, maxLength: 30 }),
        fc.nat(),
        (chunks, cutSeed) => {
          const events = chunks.map((text, i) => event("text-chunk", { text }, { id: i + 1 }));
          const once = applyLiveEvents(emptyLiveRun(), events);
          const cut = cutSeed % events.length;
          // A reconnect replays everything after some earlier point, overlapping what was seen.
          const replayFrom = Math.floor(cut / 2);
          const twice = applyLiveEvents(applyLiveEvents(emptyLiveRun(), events.slice(0, cut)), events.slice(replayFrom));
          expect(twice).toEqual(once);
        },
      ),
    );
  });
});

describe("applyRunEvent", () => {
  it("moves a step through its states and a new attempt clears the previous result", () => {
    let detail = run([step({ state: "failed", attempt: 1, error: "boom", output: "old", diff: "x", finishedAt: "2026-01-01T00:00:00.500Z" })]);
    detail = applyRunEvent(detail, event("step-state", { state: "ready", attempt: 2 }, { attempt: 2, createdAt: "2026-01-01T00:00:02.000Z" }));
    expect(detail.steps[0]).toMatchObject({ state: "ready", attempt: 2, error: null, output: null, diff: null, finishedAt: null });
    detail = applyRunEvent(detail, event("step-state", { state: "running" }, { attempt: 2, createdAt: "2026-01-01T00:00:03.000Z" }));
    expect(detail.steps[0]).toMatchObject({ state: "running", startedAt: "2026-01-01T00:00:03.000Z" });
    detail = applyRunEvent(detail, event("step-state", { state: "succeeded", from: "running", winner: "build#1" }, { attempt: 2, createdAt: "2026-01-01T00:00:04.000Z" }));
    expect(detail.steps[0]).toMatchObject({ state: "succeeded", finishedAt: "2026-01-01T00:00:04.000Z", winner: "build#1" });
  });

  it("ignores events from older attempts and unknown steps", () => {
    const detail = run([step({ state: "running", attempt: 2 })]);
    expect(applyRunEvent(detail, event("step-state", { state: "failed" }, { attempt: 1 }))).toBe(detail);
    expect(applyRunEvent(detail, event("step-state", { state: "failed" }, { stepId: "nope", attempt: 2 }))).toBe(detail);
    expect(applyRunEvent(detail, event("step-state", { state: "exploded" }, { attempt: 2 }))).toBe(detail);
  });

  it("records usage, diff stats, a failure reason and the run status", () => {
    let detail = run([step({ state: "running", attempt: 1 })]);
    detail = applyRunEvents(detail, [
      event("usage-report", { usage: { outputTokens: 7 } }),
      event("diff-update", { diff: "diff --git", stats: { files: 2, additions: 5, deletions: 1 } }),
      event("step-state", { state: "failed", error: "exit 1" }),
      event("run-state", { status: "failed", error: "plan failed" }, { stepId: null, createdAt: "2026-01-01T00:00:09.000Z" }),
    ]);
    expect(detail.steps[0]).toMatchObject({ usage: { outputTokens: 7 }, diffStats: { files: 2, additions: 5, deletions: 1 }, error: "exit 1", state: "failed" });
    expect(detail).toMatchObject({ status: "failed", error: "plan failed", finishedAt: "2026-01-01T00:00:09.000Z" });
  });
});

describe("parseRunEvent and exitCodeOf", () => {
  it("parses well-formed events and rejects everything else", () => {
    const e = { id: 3, type: "text-chunk", runId: "r", stepId: "s", attempt: 1, data: { text: "x" }, createdAt: "t" };
    expect(parseRunEvent(JSON.stringify(e))).toEqual(e);
    expect(parseRunEvent("not json")).toBeNull();
    expect(parseRunEvent(JSON.stringify({ ...e, id: "3" }))).toBeNull();
  });

  it("reads exit codes under common names only when they are integers", () => {
    expect(exitCodeOf({ exit_code: 0 })).toBe(0);
    expect(exitCodeOf({ exitCode: 127 })).toBe(127);
    expect(exitCodeOf({ exitCode: "1" })).toBeNull();
    expect(exitCodeOf("text")).toBeNull();
  });
});

describe("a live detail converges to a fresh snapshot", () => {
  it("never applies an event a snapshot already reflects (a replay can't roll it back)", () => {
    const snapshot = { ...run([step({ state: "succeeded", attempt: 2, output: "final", finishedAt: "2026-01-01T00:00:05.000Z" })]), snapshotCursor: 40, eventCursor: 40 };
    const replayed = [
      event("step-state", { state: "running", attempt: 2 }, { id: 30, attempt: 2 }),
      event("usage-report", { usage: { totalTokens: 3 } }, { id: 31, attempt: 2 }),
    ];
    expect(applyRunEvents(snapshot, replayed)).toBe(snapshot);
    const later = applyRunEvent(snapshot, event("step-state", { state: "ready", from: "succeeded", reset: true }, { id: 41, attempt: 2 }));
    expect(later.eventCursor).toBe(41);
  });

  it("a claim clears the previous attempt's winner and results; a reset clears them without a new attempt", () => {
    let detail = run([step({ role: "select", state: "succeeded", attempt: 1, winner: "race#0", output: "zero", diff: "d", usage: { totalTokens: 9 }, finishedAt: "2026-01-01T00:00:01.000Z" })]);
    detail = applyRunEvent(detail, event("step-state", { state: "pending", from: "succeeded", reset: true }, { attempt: 1 }));
    expect(detail.steps[0]).toMatchObject({ state: "pending", attempt: 1, winner: null, output: null, diff: null, usage: {}, startedAt: null, finishedAt: null });
    detail = applyRunEvent(detail, event("step-state", { state: "running", attempt: 2 }, { attempt: 2, createdAt: "2026-01-01T00:00:06.000Z" }));
    expect(detail.steps[0]).toMatchObject({ state: "running", attempt: 2, winner: null, startedAt: "2026-01-01T00:00:06.000Z" });
    // The select step's completion names its winner (the API's winner, not the old one).
    detail = applyRunEvent(detail, event("step-state", { state: "succeeded", attempt: 2, winner: "race#1" }, { attempt: 2 }));
    expect(detail.steps[0]).toMatchObject({ state: "succeeded", winner: "race#1" });
  });

  it("folds the detail events received while a snapshot was read onto it, and prunes what it reflects", () => {
    const a = event("step-state", { state: "running", attempt: 1 }, { id: 101, attempt: 1 });
    const b = event("step-state", { state: "succeeded", attempt: 1 }, { id: 102, attempt: 1 });
    const text = event("text-chunk", { text: "hi" }, { id: 103 });
    const live = applyLiveEvents(emptyLiveRun(), [a, b, text]);
    expect(live.pending.map((e) => e.id)).toEqual([101, 102]);
    const snapshot = { ...run([step({ state: "running", attempt: 1 })]), snapshotCursor: 101, eventCursor: 101 };
    const caughtUp = withPendingEvents(snapshot, live);
    expect(caughtUp.steps[0].state).toBe("succeeded");
    expect(caughtUp.eventCursor).toBe(102);
    expect(prunePending(live, caughtUp.snapshotCursor).pending.map((e) => e.id)).toEqual([102]);
  });

  it("records each attempt's phase from step-phase events", () => {
    const live = applyLiveEvents(emptyLiveRun(), [event("step-phase", { phase: "preparing" }), event("step-phase", { phase: "committing" })]);
    expect(live.attempts["s1:1"].phase).toBe("committing");
  });
});
