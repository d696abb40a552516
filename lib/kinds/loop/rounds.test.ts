// The loop kind's pure parts: its validation (bad fields named), how a round event folds into
// the run page's detail, how a round's commit is recorded, and the timeline's round parts.
import { describe, expect, it } from "vitest";
import { applyRunEvents } from "../../client/run-events";
import { toRunView, type RunEvent } from "../../client/run-types";
import { runFixture, stepFixture } from "../../contract/testing";
import { validateFlow } from "../../flow/validate";
import { buildTimeline } from "../../timeline/lanes";
import { exhaustedError, followUpPrompt, loopRoundSchema, roundSegments, roundsOf, withCommitted, withTurnEnded, type LoopRound } from "./rounds";

const round = (n: number, overrides: Partial<LoopRound> = {}): LoopRound => ({
  attempt: 1,
  round: n,
  agent: { startedAt: `2026-01-01T00:00:0${2 * n - 1}.000Z`, finishedAt: `2026-01-01T00:00:0${2 * n - 1}.500Z`, output: `answer ${n}` },
  committing: null,
  commit: null,
  diff: null,
  diffStats: { files: 1, additions: n, deletions: 0 },
  check: { startedAt: `2026-01-01T00:00:0${2 * n - 1}.500Z`, finishedAt: `2026-01-01T00:00:0${2 * n}.000Z`, exitCode: 1, signal: null, timedOut: false, output: "1 failing" },
  ...overrides,
});

describe("loop kind", () => {
  it("names each bad field of a loop node", () => {
    const result = validateFlow(
      {
        name: "t",
        nodes: [{ id: "fix", kind: "loop", config: { profile: "demo", prompt: " ", check: { command: [] }, maxRounds: 0, roundTimeoutSec: -1 } }],
      },
      { profiles: new Set(["demo"]) },
    );
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["nodes[0].config.maxRounds", "nodes[0].config.roundTimeoutSec"]));
    const fixed = validateFlow(
      { name: "t", nodes: [{ id: "fix", kind: "loop", config: { profile: "demo", prompt: " ", check: { command: [] }, maxRounds: 2 } }] },
      { profiles: new Set(["demo"]) },
    );
    const issues = fixed.ok ? [] : fixed.issues;
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ["nodes[0].config.prompt", "prompt must not be empty"],
      ["nodes[0].config.check.command", "the check needs a command (argv, e.g. npm test)"],
    ]);
  });

  it("tells the agent which round failed and how, and ends with the last check output", () => {
    const red = round(1, { check: { ...round(1).check!, exitCode: null, signal: "SIGTERM", timedOut: true, output: "" } });
    expect(followUpPrompt(red, 3, ["npm", "test"])).toContain("The check `npm test` failed (timed out) after round 1 of 3.\nIts output:\n\n```\n(no output)\n```");
    expect(exhaustedError(round(2), 2, ["npm", "test"])).toBe("`npm test` still failed after 2 rounds (exit 1):\n1 failing");
  });

  it("folds round events into the step's detail (replacing a round by number, ignoring older attempts) and splits its timeline bar", () => {
    const step = stepFixture({ id: "s1", kind: "loop", state: "running", attempt: 1, startedAt: "2026-01-01T00:00:01.000Z", detail: { rounds: [{ attempt: 0 }] } });
    let nextId = 1;
    const event = (data: LoopRound, attempt = 1): RunEvent => ({ id: nextId++, type: "loop-round", runId: "r1", stepId: "s1", attempt, data, createdAt: "2026-01-01T00:00:05.000Z" });
    const running = { ...round(2), check: null, agent: { ...round(2).agent, finishedAt: null, output: null } };
    const run = applyRunEvents(toRunView(runFixture([step])), [event(round(1)), event(running), event(round(2)), event(round(9), 0)]);
    const rounds = roundsOf(run.steps[0].detail, 1);
    expect(rounds.map((r) => [r.round, r.check?.exitCode])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    const bar = buildTimeline(run.steps, [], Date.parse("2026-01-01T00:00:05.000Z")).lanes[0].subLanes[0].bars[0];
    expect(bar.rounds.map((p) => [p.round, p.part, p.additions, p.verdict])).toEqual([
      [1, "agent", 1, null],
      [1, "check", null, "exit 1"],
      [2, "agent", 2, null],
      [2, "check", null, "exit 1"],
    ]);
  });

  it("records a round's commit as its own part, between the agent's turn and the check, live while it runs", () => {
    const started: LoopRound = { ...round(1), agent: { ...round(1).agent, finishedAt: null, output: null }, diffStats: null, check: null };
    // The turn ends and the commit begins at the same instant: no gap, no overlap.
    const committing = withTurnEnded(started, "2026-01-01T00:00:02.000Z", "answer 1", true);
    expect(committing.agent).toMatchObject({ finishedAt: "2026-01-01T00:00:02.000Z", output: "answer 1" });
    expect(committing.committing).toEqual({ startedAt: "2026-01-01T00:00:02.000Z", finishedAt: null });
    const whileCommitting = roundSegments([committing], Date.parse("2026-01-01T00:00:03.500Z"));
    expect(whileCommitting.map((p) => [p.part, p.end - p.start, p.live])).toEqual([
      ["agent", 1000, false],
      ["commit", 1500, true],
    ]);

    const committed = withCommitted(committing, "2026-01-01T00:00:04.250Z", { commit: "c1", diff: "diff", diffStats: { files: 1, additions: 3, deletions: 1 } });
    expect(committed).toMatchObject({ commit: "c1", diff: "diff", committing: { startedAt: "2026-01-01T00:00:02.000Z", finishedAt: "2026-01-01T00:00:04.250Z" } });
    const checked: LoopRound = { ...committed, check: { ...round(1).check!, startedAt: "2026-01-01T00:00:04.250Z", finishedAt: "2026-01-01T00:00:05.000Z" } };
    const parts = roundSegments([checked], Date.parse("2026-01-01T00:00:09.000Z"));
    expect(parts.map((p) => [p.part, p.start - Date.parse("2026-01-01T00:00:01.000Z"), p.end - p.start, p.live, p.additions])).toEqual([
      ["agent", 0, 1000, false, 3],
      ["commit", 1000, 2250, false, null],
      ["check", 3250, 750, false, null],
    ]);
  });

  it("has no commit part without a repo, and reads rounds recorded before commits were timed", () => {
    const scratch = withTurnEnded({ ...round(1), check: null }, "2026-01-01T00:00:01.500Z", "answer 1", false);
    expect(scratch.committing).toBeNull();
    expect(roundSegments([scratch], Date.parse("2026-01-01T00:00:02.000Z")).map((p) => p.part)).toEqual(["agent"]);
    // A round stored before `committing` existed parses with none (agent and check only).
    const { committing: _none, ...older } = round(1);
    expect(loopRoundSchema.parse(older).committing).toBeNull();
    expect(roundsOf({ rounds: [older] }, 1).map((r) => r.committing)).toEqual([null]);
  });

  it("splits a loop bar into agent, commit and check parts per round, each round's commit ending where its check starts", () => {
    const withCommit = (n: number): LoopRound => {
      const base = round(n);
      const ended = withTurnEnded({ ...base, diffStats: null }, base.agent.finishedAt!, base.agent.output!, true);
      return { ...withCommitted(ended, `2026-01-01T00:00:0${2 * n - 1}.800Z`, { commit: `c${n}`, diff: "", diffStats: base.diffStats! }), check: { ...base.check!, startedAt: `2026-01-01T00:00:0${2 * n - 1}.800Z` } };
    };
    const step = stepFixture({ id: "s1", kind: "loop", state: "succeeded", attempt: 1, startedAt: "2026-01-01T00:00:01.000Z", finishedAt: "2026-01-01T00:00:04.000Z", detail: { rounds: [withCommit(1), withCommit(2)] } });
    const bar = buildTimeline(toRunView(runFixture([step])).steps, [], Date.parse("2026-01-01T00:00:09.000Z")).lanes[0].subLanes[0].bars[0];
    expect(bar.rounds.map((p) => [p.round, p.part, p.end - p.start])).toEqual([
      [1, "agent", 500],
      [1, "commit", 300],
      [1, "check", 200],
      [2, "agent", 500],
      [2, "commit", 300],
      [2, "check", 200],
    ]);
  });
});
