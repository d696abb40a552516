// The loop kind's pure parts: its validation (bad fields named), how a round event folds into
// the run page's detail, and the timeline's round parts.
import { describe, expect, it } from "vitest";
import { applyRunEvents } from "../../client/run-events";
import { toRunView, type RunEvent } from "../../client/run-types";
import { runFixture, stepFixture } from "../../contract/testing";
import { validateFlow } from "../../flow/validate";
import { buildTimeline } from "../../timeline/lanes";
import { exhaustedError, followUpPrompt, roundsOf, type LoopRound } from "./rounds";

const round = (n: number, overrides: Partial<LoopRound> = {}): LoopRound => ({
  attempt: 1,
  round: n,
  agent: { startedAt: `2026-01-01T00:00:0${2 * n - 1}.000Z`, finishedAt: `2026-01-01T00:00:0${2 * n - 1}.500Z`, output: `answer ${n}` },
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
});
