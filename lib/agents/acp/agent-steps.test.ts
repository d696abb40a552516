/**
 * Agent steps through the real engine and worker with the fake ACP agent (a real subprocess):
 * what a real agent's first contact showed — re-runs after a failed attempt that wrote files,
 * arenas whose fastest contestant did nothing, default timeouts, failures that follow a cancel,
 * env-var authentication, and the answer to a read of a missing file.
 */
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../../db/client";
import { Worker } from "../../dispatch/worker";
import { openHarness, waitFor, type Harness } from "../../engine/testing/harness";
import { createRepo, git, makeTempDir } from "../../git/test-repos";
import { insertProfile } from "../../profiles/repository";
import { cancelRunOrThrow, getRunOrThrow, rerunStepOrThrow, startRunOrThrow, type RunDetail } from "../../runs/service";
import { fakeAgentCommand } from "../testing/fake-acp";
import { recordedTask } from "../testing/task";
import { acpBackend } from "./backend";
import type { FakeScript } from "./fake-script";

let h: Harness;
beforeAll(async () => {
  h = await openHarness("pglite");
});
afterAll(async () => {
  await h.close();
});

let profiles = 0;
async function fakeProfile(script: FakeScript, extra: Record<string, unknown> = {}): Promise<string> {
  const id = `fake-${++profiles}`;
  await insertProfile(h.db.orm, { id, backend: "acp", label: "fake", enabled: true, config: { command: fakeAgentCommand(script), ...extra } });
  return id;
}

const stepOf = (run: RunDetail, key: string) => run.steps.find((s) => s.key === key)!;
const logsOf = async (runId: string) =>
  (await rows<{ data: { text: string } }>(h.db.orm, sql`select data from step_events where run_id = ${runId} and type = 'log-line' order by id`)).map((r) => r.data.text);

async function repoRun(nodes: unknown[], task = "x"): Promise<{ id: string; repo: string; base: string }> {
  const { repo, commit } = await createRepo(await makeTempDir("baton-agent-steps-repo"), { "README.md": "hello\n" });
  const flowId = await h.createFlow({ name: `flow ${profiles}`, inputs: [{ name: "task", required: true }], nodes, edges: [] });
  const { id } = await startRunOrThrow(h.db, { flowId, inputs: { task }, repo, origin: "api" });
  return { id, repo, base: commit };
}

describe("agent steps with a real ACP subprocess", () => {
  it("a re-run of a step whose failed attempt wrote files starts from a clean worktree at the recorded start commit", async () => {
    const writesThenFails = await fakeProfile({ steps: [{ op: "disk-write", path: "leftover.txt", content: "half\n" }, { op: "crash", code: 4 }] });
    const checks = await fakeProfile({ steps: [{ op: "read", path: "leftover.txt" }, { op: "disk-write", path: "done.txt", content: "done\n" }, { op: "chunk", text: "ok" }] });
    const { id, repo, base } = await repoRun([{ id: "code", kind: "agent", config: { profile: writesThenFails, prompt: "{{inputs.task}}" } }]);
    const failed = await h.drain(id);
    expect(stepOf(failed, "code").state).toBe("failed");
    const firstAttempt = stepOf(failed, "code");
    expect(firstAttempt.startCommit).toBe(base);

    await rerunStepOrThrow(h.db, id, firstAttempt.id, { profile: checks });
    const run = await h.drain(id);
    const step = stepOf(run, "code");
    expect(step.state).toBe("succeeded");
    expect(step.attempt).toBe(2);
    expect(step.startCommit).toBe(base);
    // The first attempt's file is not there for the second one, nor in its result.
    expect(step.output).toMatch(/\[read leftover\.txt: error Resource not found/);
    expect(step.diff).toContain("+++ b/done.txt");
    expect(step.diff).not.toContain("leftover.txt");
    expect(await git(repo, "ls-tree", "-r", "--name-only", step.resultCommit!)).not.toContain("leftover.txt");
  });

  it("a code arena's `first` never picks a contestant that changed nothing and said nothing", async () => {
    const idle = await fakeProfile({ steps: [] });
    const worker = await fakeProfile({ steps: [{ op: "sleep", ms: 1500 }, { op: "disk-write", path: "work.txt", content: "work\n" }, { op: "chunk", text: "did the work" }] });
    const { id } = await repoRun([
      { id: "build", kind: "arena", config: { prompt: "{{inputs.task}}", contestants: [{ profile: idle }, { profile: worker }], select: { mode: "first" } } },
    ]);
    const run = await h.drain(id);
    expect(stepOf(run, "build").winner).toBe("build#1");
    expect(stepOf(run, "build#0").state).toBe("failed");
    expect(stepOf(run, "build#0").error).toBe("did nothing: no change to the code and no output, so it can't win");
    expect(run.status).toBe("succeeded");
  });

  it("every agent step has a timeout: the profile's default applies, logged as timed out", async () => {
    const hangs = await fakeProfile({ steps: [{ op: "chunk", text: "[ready]" }, { op: "hang", ignoreCancel: true }] }, { timeoutSec: 2, cancelGraceMs: 200 });
    const { id } = await repoRun([{ id: "code", kind: "agent", config: { profile: hangs, prompt: "{{inputs.task}}" } }]);
    const run = await h.drain(id);
    const step = stepOf(run, "code");
    expect(step.state).toBe("failed");
    expect(step.error).toMatch(/^timed out: the agent gave no result within 2000 ms/);
    expect(step.detail).toMatchObject({ reason: "timed_out" });
    const logs = await logsOf(id);
    expect(logs.some((l) => l.startsWith("timed out after 2000 ms"))).toBe(true);
    expect(logs).not.toContain("cancel requested");
  });

  it("an error that arrives after a cancel request is recorded as canceled", async () => {
    const crashes = await fakeProfile({ steps: [{ op: "chunk", text: "[ready]" }, { op: "sleep", ms: 1500 }, { op: "crash", code: 5 }] });
    const { id } = await repoRun([{ id: "code", kind: "agent", config: { profile: crashes, prompt: "{{inputs.task}}" } }]);
    // A worker whose heartbeat (which delivers cancel requests) won't beat before the crash.
    const slow = new Worker({ db: h.db, engine: h.engine, mode: "standalone", concurrency: 1, dataDir: h.dataDir, pollIntervalMs: 50, heartbeatIntervalMs: 60_000, log: () => {} });
    await slow.start();
    try {
      await waitFor(async () => (await rows(h.db.orm, sql`select 1 from step_events where run_id = ${id} and type = 'text-chunk'`)).length > 0, "the agent to start");
      await cancelRunOrThrow(h.db, id, h.dataDir);
      const run = await waitFor(async () => {
        const r = await getRunOrThrow(h.db.orm, id);
        return r.finishedAt !== null && r;
      }, "the run to finish");
      expect(stepOf(run, "code").state).toBe("canceled");
      expect(run.status).toBe("canceled");
    } finally {
      await slow.stop(0);
    }
  });
});

describe("agent starts", () => {
  it("an agent starts once per step (its own initialize is the check), even with a cold availability cache", async () => {
    const startLog = path.join(h.dataDir, `starts-${profiles}.log`);
    const profile = await fakeProfile({ startLog, steps: [{ op: "chunk", text: "hi" }] });
    const { id } = await repoRun([
      { id: "a", kind: "agent", config: { profile, prompt: "{{inputs.task}}" } },
      { id: "b", kind: "agent", config: { profile, prompt: "{{inputs.task}}" } },
    ]);
    const run = await h.drain(id);
    expect(run.status).toBe("succeeded");
    expect(fs.readFileSync(startLog, "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("a slow start is a retryable failure that says how long it waited", async () => {
    const slow = await fakeProfile({ initialize: "hang" }, { startTimeoutMs: 1000 });
    const { id } = await repoRun([{ id: "code", kind: "agent", config: { profile: slow, prompt: "{{inputs.task}}", retries: 1 } }]);
    const run = await h.drain(id);
    const step = stepOf(run, "code");
    expect(step.state).toBe("failed");
    expect(step.attempt).toBe(2); // retried: not a cached "unavailable"
    expect(step.error).toMatch(/^the agent did not finish starting \(initialize\) within 1000 ms \(stopped after \d+ ms\)$/);
    expect(step.detail).toMatchObject({ retryable: true, code: "timeout" });
  });
});

describe("acp backend protocol details", () => {
  it("calls authenticate with the env-var method whose variable the profile sets, before session/new", async () => {
    const script: FakeScript = { envAuth: { methodId: "fake-api-key", variable: "FAKE_API_KEY" }, steps: [{ op: "chunk", text: "in" }] };
    process.env.BATON_TEST_FAKE_KEY = "fake-key-0123456789";
    try {
      const cwd = fs.mkdtempSync(path.join(h.dataDir, "auth-"));
      const ok = recordedTask({ cwd, options: { command: fakeAgentCommand(script), env: { FAKE_API_KEY: "$BATON_TEST_FAKE_KEY" } } });
      expect((await acpBackend.run(ok.task)).output).toBe("in");
      expect(ok.logs("info")).toContain("authenticated with fake-api-key (FAKE_API_KEY set)");
      const without = recordedTask({ cwd, options: { command: fakeAgentCommand(script) } });
      await expect(acpBackend.run(without.task)).rejects.toMatchObject({ code: "unavailable", message: expect.stringContaining("needs authentication (session/new)") });
      const wrong = recordedTask({ cwd, options: { command: fakeAgentCommand(script), authMethod: "oauth" } });
      await expect(acpBackend.run(wrong.task)).rejects.toMatchObject({ code: "invalid", message: 'the profile\'s authMethod "oauth" is not offered by the agent; it offers: fake-api-key' });
    } finally {
      delete process.env.BATON_TEST_FAKE_KEY;
    }
  });
});
