/**
 * The acp backend end to end through a real flow run: the real engine and dispatcher worker
 * (lib/engine/testing/harness) run agent nodes whose profiles spawn the fake ACP agent.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../../db/client";
import { createRepo, git, makeTempDir } from "../../git/test-repos";
import { openHarness, waitFor, type Harness } from "../../engine/testing/harness";
import { insertProfile } from "../../profiles/repository";
import { cancelRunOrThrow, getRunOrThrow, startRunOrThrow, type RunDetail } from "../../runs/service";
import type { FakeScript } from "./fake-script";
import { fakeAgentCommand } from "../testing/fake-acp";

let h: Harness;
beforeAll(async () => {
  h = await openHarness("pglite");
});
afterAll(async () => {
  await h.close();
});

let profiles = 0;
async function fakeProfile(script: FakeScript, extra: Record<string, unknown> = {}): Promise<string> {
  const id = `fake-acp-${++profiles}`;
  await insertProfile(h.db.orm, { id, backend: "acp", label: "fake", enabled: true, config: { command: fakeAgentCommand(script), ...extra } });
  return id;
}

async function oneNodeFlow(profile: string): Promise<string> {
  return h.createFlow({
    name: `acp ${profile}`,
    inputs: [{ name: "task", required: true }],
    nodes: [{ id: "code", kind: "agent", config: { profile, prompt: "Do this: {{inputs.task}}" } }],
    edges: [],
  });
}

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

const codeStep = (run: RunDetail) => run.steps.find((s) => s.key === "code")!;

async function eventsOf(runId: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  return rows(h.db.orm, sql`select type, data from step_events where run_id = ${runId} order by id`);
}

describe("acp agent in a flow run", () => {
  it("records output, tool calls, refused escapes, and the diff and commit of the agent's edits", async () => {
    const { repo, commit: baseCommit } = await createRepo(await makeTempDir("baton-acp-flow-repo"), { "README.md": "hello\n" });
    const profile = await fakeProfile({
      steps: [
        { op: "chunk", text: "Working. " },
        { op: "tool-call", id: "t1", title: "Write hello.txt", kind: "edit", locations: ["hello.txt"], diff: { path: "hello.txt", oldText: null, newText: "hello\n" } },
        { op: "write", path: "hello.txt", content: "hello\n" },
        { op: "tool-update", id: "t1", status: "completed" },
        { op: "disk-write", path: "src/direct.txt", content: "direct\n" },
        { op: "read", path: "README.md" },
        { op: "read", path: "/etc/passwd" },
        { op: "write", path: "../../outside.txt", content: "x" },
        { op: "usage", used: 500, size: 10000, costUsd: 0.01 },
        { op: "chunk", text: "Done." },
      ],
      promptUsage: { inputTokens: 400, outputTokens: 100, totalTokens: 500 },
    });
    const flowId = await oneNodeFlow(profile);
    const started = await startRunOrThrow(h.db, { flowId, inputs: { task: "greet" }, repo, origin: "api" });
    const run = await h.drain(started.id);

    expect(run.status).toBe("succeeded");
    const step = codeStep(run);
    // The output is the final answer (after the last tool call); "Working. " stays in the transcript.
    expect(step.output).not.toContain("Working.");
    expect(step.output).toContain('[write hello.txt: ok][disk-write src/direct.txt: ok][read README.md: ok "hello\\n"]');
    expect(step.output).toMatch(/\[read \/etc\/passwd: error [^\]]*outside the worktree/);
    expect(step.output).toMatch(/\[write \.\.\/\.\.\/outside\.txt: error [^\]]*outside the worktree/);
    expect(step.output).toContain("Done.");
    expect(run.usage).toMatchObject({ inputTokens: 400, outputTokens: 100 });

    // Both the fs/write_text_file edit and the direct disk write are in the step's commit.
    expect(step.startCommit).toBe(baseCommit);
    expect(step.resultCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(step.diff).toContain("+++ b/hello.txt");
    expect(step.diff).toContain("+++ b/src/direct.txt");
    expect(await git(repo, "show", `${step.resultCommit}:hello.txt`)).toBe("hello");
    expect(await git(repo, "show", `${step.resultCommit}:src/direct.txt`)).toBe("direct");
    expect(await git(repo, "ls-tree", "-r", "--name-only", step.resultCommit!)).not.toContain("outside.txt");
    expect(await git(repo, "branch", "--list")).not.toContain("baton");
    expect(await git(repo, "rev-parse", `refs/baton/${run.id}/code-1`)).toBe(step.resultCommit);

    const events = await eventsOf(run.id);
    const types = new Set(events.map((e) => e.type));
    for (const type of ["text-chunk", "tool-call", "tool-call-update", "usage-report", "log-line", "diff-update"]) expect(types).toContain(type);
    expect(events.find((e) => e.type === "tool-call")?.data).toMatchObject({ toolCallId: "t1", kind: "edit" });
    const refusals = events.filter((e) => e.type === "log-line" && String(e.data.text).includes("refused"));
    expect(refusals).toHaveLength(2);
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it("a crashing agent fails the step with the exit code and stderr", async () => {
    const profile = await fakeProfile({ steps: [{ op: "chunk", text: "partial" }, { op: "crash", code: 3 }] });
    const flowId = await oneNodeFlow(profile);
    const started = await startRunOrThrow(h.db, { flowId, inputs: { task: "crash" }, origin: "api" });
    const run = await h.drain(started.id);
    expect(run.status).toBe("failed");
    expect(codeStep(run).state).toBe("failed");
    expect(codeStep(run).error).toContain("agent exited with code 3 during session/prompt");
    expect(codeStep(run).error).toContain("fake agent crashing with code 3");
  });

  it("a profile whose program disappears after the run started fails the step at once with the reason", async () => {
    // The run's start checks its profiles (lib/runs/profile-check.ts); the step still reports
    // an agent that is gone by the time it starts.
    const id = `fake-acp-${++profiles}`;
    const program = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "baton-acp-gone-")), "gone-agent");
    fs.writeFileSync(program, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    await insertProfile(h.db.orm, { id, backend: "acp", label: "missing", enabled: true, config: { command: [program] } });
    const flowId = await oneNodeFlow(id);
    const started = await startRunOrThrow(h.db, { flowId, inputs: { task: "x" }, origin: "api" });
    fs.rmSync(path.dirname(program), { recursive: true, force: true });
    const run = await h.drain(started.id);
    expect(run.status).toBe("failed");
    expect(codeStep(run).error).toContain(program);
  });

  it("cancelling the run cancels a hanging agent and kills it", async () => {
    const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "baton-acp-pid-")), "child.pid");
    const profile = await fakeProfile(
      { steps: [{ op: "spawn-child", pidFile }, { op: "chunk", text: "[ready]" }, { op: "hang", ignoreCancel: true }] },
      { cancelGraceMs: 300 },
    );
    const flowId = await oneNodeFlow(profile);
    const worker = await h.startLoop();
    const { id } = await startRunOrThrow(h.db, { flowId, inputs: { task: "hang" }, origin: "api" });
    await waitFor(async () => (await eventsOf(id)).some((e) => e.type === "text-chunk" && e.data.text === "[ready]"), "the agent to start");
    expect((await cancelRunOrThrow(h.db, id)).status).toBe("canceled");
    const run = await waitFor(async () => {
      const r = await getRunOrThrow(h.db.orm, id);
      return r.finishedAt !== null && codeStep(r).state === "canceled" && r;
    }, "the run to finish");
    expect(run.status).toBe("canceled");
    const childPid = Number(fs.readFileSync(pidFile, "utf8"));
    await waitFor(async () => !alive(childPid), "the agent's process group to be gone");
    await worker.stop(0);
  });
});
