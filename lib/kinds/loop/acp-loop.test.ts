// A fix loop with a real ACP agent process (the scripted fake agent) in a real git repository
// whose test fails: round 1 leaves it red, round 2 fixes it. The agent is ONE process with ONE
// session for both rounds, and round 2's prompt is the failing test's output. A loop canceled
// between rounds sends the agent no session/cancel (no turn is pending) and ends it.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeAgentCommand } from "../../agents/testing/fake-acp";
import { isAlive } from "../../agents/testing/processes";
import { createRepo, git, makeTempDir } from "../../git/test-repos";
import { openHarness, waitFor, type Harness } from "../../engine/testing/harness";
import { insertProfile } from "../../profiles/repository";
import { cancelRunOrThrow, getRunOrThrow, startRunOrThrow } from "../../runs/service";
import { roundsOf } from "./rounds";

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await openHarness("pglite");
  dir = await makeTempDir("baton-acp-loop");
});
afterAll(async () => {
  await h.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const TEST_JS = `const { add } = require("./math.js");
const got = add(2, 2);
if (got !== 4) { console.error("FAIL add(2, 2) should be 4, got " + got); process.exit(1); }
console.log("ok");
`;

describe("fix loop with an ACP agent", () => {
  it("fixes a failing test on round 2 in the same session, having been sent the test's output", async () => {
    const { repo, commit: base } = await createRepo(path.join(dir, "repo"), {
      "math.js": "exports.add = (a, b) => a - b;\n",
      "test.js": TEST_JS,
    });
    const startLog = path.join(dir, "starts.log");
    await insertProfile(h.db.orm, {
      id: "fixer",
      backend: "acp",
      label: "scripted fixer",
      enabled: true,
      config: {
        command: fakeAgentCommand({
          startLog,
          turns: [
            // Round 1: a note, no fix.
            [{ op: "turn" }, { op: "disk-write", path: "NOTES.md", content: "looked at math.js\n" }, { op: "chunk", text: "I looked around." }],
            // Round 2: it reads what it was sent, then fixes the bug.
            [{ op: "turn" }, { op: "echo-prompt" }, { op: "disk-write", path: "math.js", content: "exports.add = (a, b) => a + b;\n" }, { op: "chunk", text: " Fixed add." }],
          ],
        }),
      },
    });
    const flowId = await h.createFlow({
      name: "fix the test",
      inputs: [],
      nodes: [{ id: "fix", kind: "loop", config: { profile: "fixer", prompt: "Make `node test.js` pass.", check: { command: ["node", "test.js"] }, maxRounds: 3 } }],
      edges: [],
    });
    const started = await startRunOrThrow(h.db, { flowId, inputs: {}, repo, origin: "api" });
    const result = await h.drain(started.id);

    expect(result.status).toBe("succeeded");
    const fix = result.steps.find((s) => s.key === "fix")!;
    const rounds = roundsOf(fix.detail, 1);
    expect(rounds.map((r) => r.check?.exitCode)).toEqual([1, 0]);
    expect(rounds[0].check!.output).toContain("FAIL add(2, 2) should be 4, got 0");
    // One agent process answered both rounds, in one session: its second turn.
    expect(fs.readFileSync(startLog, "utf8").trim().split("\n")).toHaveLength(1);
    expect(rounds[0].agent.output).toContain("[turn 1 of session fake-session-1]");
    expect(rounds[1].agent.output).toContain("[turn 2 of session fake-session-1]");
    // Round 2's prompt was the failing check: its command, exit code and output.
    expect(rounds[1].agent.output).toContain("[prompt The check `node test.js` failed (exit 1) after round 1 of 3.");
    expect(rounds[1].agent.output).toContain("FAIL add(2, 2) should be 4, got 0");
    // Each round's diff is its own change; the step's diff is both.
    expect(rounds[0].diff).toContain("+++ b/NOTES.md");
    expect(rounds[0].diff).not.toContain("+++ b/math.js");
    expect(rounds[1].diff).toContain("+exports.add = (a, b) => a + b;");
    expect(rounds[1].diff).not.toContain("NOTES.md");
    expect(fix.startCommit).toBe(base);
    expect(fix.diffStats).toMatchObject({ files: 2 });
    expect(await git(repo, "show", `${fix.resultCommit}:math.js`)).toBe("exports.add = (a, b) => a + b;");
    expect(fix.output).toContain("Fixed add.");
  });

  it("canceled between rounds (its check running), sends the agent no session/cancel and ends it", async () => {
    const { repo } = await createRepo(path.join(dir, "repo-cancel"), { "README.md": "# Project\n" });
    const wire = path.join(dir, "cancel-wire.jsonl");
    const startLog = path.join(dir, "cancel-starts.log");
    const checkStarted = path.join(dir, "check-started");
    await insertProfile(h.db.orm, {
      id: "canceled-fixer",
      backend: "acp",
      label: "scripted fixer, canceled",
      enabled: true,
      config: { command: fakeAgentCommand({ wireLog: wire, startLog, turns: [[{ op: "disk-write", path: "NOTES.md", content: "round 1\n" }, { op: "chunk", text: "Round 1." }]] }) },
    });
    const flowId = await h.createFlow({
      name: "cancel between rounds",
      inputs: [],
      nodes: [
        {
          id: "fix",
          kind: "loop",
          config: {
            profile: "canceled-fixer",
            prompt: "Make it pass.",
            check: { command: ["node", "-e", `require("fs").writeFileSync(${JSON.stringify(checkStarted)}, ""); setTimeout(() => process.exit(1), 60000)`] },
            maxRounds: 3,
          },
        },
      ],
      edges: [],
    });
    const worker = await h.startLoop();
    try {
      const { id } = await startRunOrThrow(h.db, { flowId, inputs: {}, repo, origin: "api" });
      await waitFor(async () => fs.existsSync(checkStarted), "round 1's check to start");
      const agentPid = Number(fs.readFileSync(startLog, "utf8").trim());
      expect(isAlive(agentPid)).toBe(true);
      expect((await cancelRunOrThrow(h.db, id)).status).toBe("canceled");
      const run = await waitFor(async () => {
        const r = await getRunOrThrow(h.db.orm, id);
        return r.finishedAt !== null && r.steps[0].state === "canceled" && r;
      }, "the run to finish");
      await waitFor(async () => !isAlive(agentPid), "the agent process to be gone", 5_000);
      // What the agent was sent: its one turn, and no session/cancel (nothing was pending).
      const received = fs.readFileSync(wire, "utf8").trim().split("\n").map((line) => (JSON.parse(line) as { method: string }).method);
      expect(received).toEqual(["initialize", "session/new", "session/prompt"]);
      // Round 1 got as far as its check: the agent's part and its commit are recorded.
      const [round] = roundsOf(run.steps[0].detail, 1);
      expect(round.committing?.finishedAt).not.toBeNull();
      expect(round.commit).not.toBeNull();
    } finally {
      await worker.stop(0);
    }
  });
});
