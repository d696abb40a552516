// The fix loop end to end on the embedded PGlite and on a Postgres server: real repositories,
// the real dispatcher Worker and engine, the built-in demo agent (one conversation across
// rounds: each turn says which it is and writes a file named after its prompt) and a real
// check process.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoFileName } from "../../agents/demo/reply";
import { createRepo, git, makeTempDir } from "../../git/test-repos";
import { openHarness, type Driver, type Harness } from "../../engine/testing/harness";
import { rerunStepOrThrow, startRunOrThrow, type RunDetail } from "../../runs/service";
import { followUpPrompt, roundsOf } from "./rounds";

const step = (run: RunDetail, key: string) => {
  const found = run.steps.find((s) => s.key === key);
  if (!found) throw new Error(`no step ${key}`);
  return found;
};

/** Green once the worktree holds `n` demo files (the demo agent writes one per turn). */
const demoFilesCheck = (n: number) => [
  "node",
  "-e",
  `const k = require("fs").readdirSync(".").filter((f) => f.startsWith("demo-")).length; console.log("demo files: " + k + " of ${n}"); process.exit(k >= ${n} ? 0 : 1)`,
];

describe.each<Driver>(["pglite", "postgres"])("fix loop on %s", (driver) => {
  let h: Harness;
  let repo: string;
  let dir: string;

  beforeAll(async () => {
    h = await openHarness(driver);
    dir = await makeTempDir("baton-loop");
    ({ repo } = await createRepo(path.join(dir, "repo"), { "README.md": "# Project\n" }));
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = async (document: unknown) => {
    const flowId = await h.createFlow(document);
    const started = await startRunOrThrow(h.db, { flowId, inputs: { task: "add the feature" }, repo, origin: "api" });
    return h.drain(started.id);
  };

  it("sends the same session the red check's output, goes green on round 2, and hands the final commit and output downstream", async () => {
    const result = await run({
      name: "loop green",
      inputs: [{ name: "task", required: true }],
      nodes: [
        { id: "fix", kind: "loop", config: { profile: "demo", prompt: "Fix: {{inputs.task}}", check: { command: demoFilesCheck(2) }, maxRounds: 3 } },
        { id: "after", kind: "agent", config: { profile: "demo", prompt: "Review: {{steps.fix.output}}" } },
      ],
      edges: [{ from: "fix", to: "after" }],
    });
    expect(result.status).toBe("succeeded");
    const fix = step(result, "fix");
    const rounds = roundsOf(fix.detail, 1);
    expect(rounds.map((r) => [r.round, r.check?.exitCode])).toEqual([
      [1, 1],
      [2, 0],
    ]);
    expect(rounds[0].check!.output).toContain("demo files: 1 of 2");
    // Round 2 is the same conversation's second turn, prompted with round 1's check output.
    expect(rounds[1].agent.output).toContain("Turn 2 of this session (1 earlier)");
    expect(rounds[1].agent.output).toContain("Task: The check `node -e");
    expect(fix.summary).toMatch(/^check passed on round 2 of 3/);
    expect(fix.output).toBe(rounds[1].agent.output);
    // One commit per round, each round's diff against the previous round's commit.
    expect(await git(repo, "rev-parse", `${rounds[0].commit}^`)).toBe(fix.startCommit);
    expect(await git(repo, "rev-parse", `${rounds[1].commit}^`)).toBe(rounds[0].commit);
    expect(rounds[0].diffStats).toMatchObject({ files: 1 });
    // Round 2's file is named after the exact follow-up prompt: the agent was sent it.
    expect(rounds[1].diff).toContain(`+++ b/${demoFileName(followUpPrompt(rounds[0], 3, demoFilesCheck(2)))}`);
    expect(rounds[1].diff).not.toContain(demoFileName("Fix: add the feature"));
    expect(fix.resultCommit).toBe(rounds[1].commit);
    expect(fix.diffStats).toMatchObject({ files: 2 });
    // Each round's commit is timed as its own part: from the agent's end to the check's start.
    for (const r of rounds) {
      expect(r.committing?.startedAt).toBe(r.agent.finishedAt);
      expect(Date.parse(r.committing!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(r.committing!.startedAt));
      expect(Date.parse(r.check!.startedAt)).toBeGreaterThanOrEqual(Date.parse(r.committing!.finishedAt!));
    }
    const after = step(result, "after");
    expect(after.startCommit).toBe(fix.resultCommit);
    expect(after.prompt).toBe(`Review: ${fix.output}`);
  });

  it("fails after maxRounds red checks with the last check's output as its error; a re-run starts over from the recorded start commit", async () => {
    let result = await run({
      name: "loop red",
      inputs: [{ name: "task" }],
      nodes: [
        {
          id: "fix",
          kind: "loop",
          config: { profile: "demo", prompt: "Try: {{inputs.task}}", check: { command: ["node", "-e", "console.log('still red'); process.exit(2)"] }, maxRounds: 2 },
        },
      ],
      edges: [],
    });
    expect(result.status).toBe("failed");
    let fix = step(result, "fix");
    expect(fix.error).toBe("`node -e console.log('still red'); process.exit(2)` still failed after 2 rounds (exit 2):\nstill red");
    expect(roundsOf(fix.detail, 1).map((r) => r.check?.exitCode)).toEqual([2, 2]);
    const firstStart = fix.startCommit;

    await rerunStepOrThrow(h.db, result.id, fix.id);
    result = await h.drain(result.id);
    fix = step(result, "fix");
    expect(fix.attempt).toBe(2);
    expect(fix.startCommit).toBe(firstStart);
    expect(roundsOf(fix.detail, 2)).toHaveLength(2);
    // Attempt 1's rounds stay with its archived copy.
    expect(roundsOf(fix.attempts.find((a) => a.attempt === 1)!.detail, 1)).toHaveLength(2);
  });

  it("stops a check at the round's timeout: a red round that says so", async () => {
    const result = await run({
      name: "loop timeout",
      inputs: [{ name: "task" }],
      nodes: [
        {
          id: "fix",
          kind: "loop",
          config: { profile: "demo", prompt: "Try", check: { command: ["node", "-e", "setTimeout(() => {}, 60000)"] }, maxRounds: 1, roundTimeoutSec: 1 },
        },
      ],
      edges: [],
    });
    const fix = step(result, "fix");
    expect(fix.state).toBe("failed");
    expect(roundsOf(fix.detail, 1)[0].check).toMatchObject({ exitCode: null, timedOut: true });
    expect(fix.error).toBe("`node -e setTimeout(() => {}, 60000)` still failed after 1 round (timed out)");
  });
});
