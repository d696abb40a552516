/**
 * The real qwen-code CLI from npm (installed into a cache on first use, never skipped),
 * driven through Baton's real engine, worker and ACP backend, against a scripted OpenAI
 * chat-completions server on 127.0.0.1: edits land in the step's worktree and are recorded,
 * cancel mid-turn keeps the partial edit, permission requests outside the worktree are
 * refused, and no agent process outlives its step.
 */
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../../db/client";
import { sweepFinishedRuns } from "../../engine/run-cleanup";
import { openHarness, waitFor, type Harness } from "../../engine/testing/harness";
import { attemptWorktreePath, worktreesRoot } from "../../git/ref-names";
import { createRepo, git, makeTempDir } from "../../git/test-repos";
import { profileHome } from "../../profiles/home";
import { insertProfile } from "../../profiles/repository";
import { cancelRunOrThrow, getRunOrThrow, startRunOrThrow, type RunDetail } from "../../runs/service";
import { startModelServer, type ModelServer } from "../testing/model-server";
import { processesIn } from "../testing/processes";
import { realAgentBinary } from "../testing/real-agents";
import { applyPreset } from "../../profiles/presets/apply-preset";
import { findPreset } from "../../profiles/presets";

const KEY = "sk-baton-test-qwen-0123456789";
let h: Harness;
let server: ModelServer;
let binary: string;

beforeAll(async () => {
  [h, server, binary] = await Promise.all([openHarness("pglite"), startModelServer(), realAgentBinary("qwen")]);
  process.env.BATON_TEST_QWEN_KEY = KEY;
}, 15 * 60_000);
afterAll(async () => {
  delete process.env.BATON_TEST_QWEN_KEY;
  await server?.close();
  // Waits for the last run's background cleanup (it shares in-flight cleanups) before the database closes.
  if (h) await sweepFinishedRuns(h.db.orm, h.dataDir, true);
  await h?.close();
});

let profiles = 0;
/** A profile made by the Qwen Code preset (mode "default": every edit asks, Baton's worktree policy decides). */
async function qwenProfile(extra: Record<string, unknown> = {}): Promise<string> {
  const applied = applyPreset(findPreset("qwen-code")!, { binary, model: "scripted", baseURL: `${server.origin}/v1`, apiKey: "$BATON_TEST_QWEN_KEY" }, `qwen-${++profiles}`);
  if (!applied.ok) throw new Error(JSON.stringify(applied.issues));
  await insertProfile(h.db.orm, { ...applied.profile, enabled: true, config: { ...applied.profile.config, ...extra } });
  return applied.profile.id;
}

async function startOneNodeRun(profile: string): Promise<{ id: string; repo: string; worktree: string; baseCommit: string }> {
  const { repo, commit } = await createRepo(await makeTempDir("baton-qwen-repo"), { "README.md": "hello\n" });
  const flowId = await h.createFlow({
    name: `qwen ${profile}`,
    inputs: [{ name: "task", required: true }],
    nodes: [{ id: "code", kind: "agent", config: { profile, prompt: "{{inputs.task}}" } }],
    edges: [],
  });
  const { id } = await startRunOrThrow(h.db, { flowId, inputs: { task: "write the greeting" }, repo, origin: "api" });
  return { id, repo, baseCommit: commit, worktree: attemptWorktreePath(worktreesRoot(h.dataDir), id, "code", 1) };
}

const codeStep = (run: RunDetail) => run.steps.find((s) => s.key === "code")!;
const eventsOf = (runId: string) => rows<{ type: string; data: Record<string, unknown> }>(h.db.orm, sql`select type, data from step_events where run_id = ${runId} order by id`);

describe("qwen-code over ACP", () => {
  it("edits a file in its worktree; diff, commit, output and usage are recorded; nothing outlives the step", async () => {
    const profile = await qwenProfile();
    const run0 = await startOneNodeRun(profile);
    server.setScript([
      { toolCalls: [{ name: "write_file", args: { file_path: path.join(run0.worktree, "hello.txt"), content: "hello from qwen\n" } }], usage: { input: 120, output: 30 } },
      { text: "Wrote hello.txt with a greeting.", usage: { input: 150, output: 10 } },
    ]);
    const run = await h.drain(run0.id);
    const step = codeStep(run);
    expect(step.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(step.output).toBe("Wrote hello.txt with a greeting.");
    expect(step.startCommit).toBe(run0.baseCommit);
    expect(step.diff).toContain("+++ b/hello.txt");
    expect(await git(run0.repo, "show", `${step.resultCommit}:hello.txt`)).toBe("hello from qwen");
    // qwen reports each model call's usage on a message chunk: the step adds them up.
    expect(step.usage).toMatchObject({ inputTokens: 270, outputTokens: 40, totalTokens: 310 });

    const events = await eventsOf(run.id);
    expect(events.find((e) => e.type === "tool-call")?.data).toMatchObject({ kind: "edit", title: "WriteFile" });
    expect(events.some((e) => e.type === "log-line" && String(e.data.text).startsWith("permission granted"))).toBe(true);
    // No EPIPE traces from an agent that wrote to a pipe Baton had already closed.
    expect(events.filter((e) => e.type === "log-line" && /EPIPE/.test(String(e.data.text)))).toEqual([]);
    // The profile's own HOME got qwen's state and the preset's settings; the user's HOME did not.
    const home = profileHome(h.dataDir, profile);
    expect(fs.existsSync(path.join(home, ".qwen", "settings.json"))).toBe(true);
    expect(fs.readdirSync(path.join(home, ".qwen", "projects")).length).toBeGreaterThan(0);
    expect(processesIn(run0.worktree)).toEqual([]);
  });

  it("cancel mid-turn ends the step canceled with the partial edit committed, then cleans up", async () => {
    const profile = await qwenProfile({ cancelGraceMs: 2000 });
    const run0 = await startOneNodeRun(profile);
    server.setScript([
      { toolCalls: [{ name: "write_file", args: { file_path: path.join(run0.worktree, "partial.txt"), content: "half done\n" } }] },
      { hang: true },
    ]);
    const before = server.requests.length;
    const worker = await h.startLoop();
    try {
      await waitFor(async () => server.requests.slice(before).some((r) => r.turn === 1), "qwen to be mid-turn", 120_000);
      expect((await cancelRunOrThrow(h.db, run0.id, h.dataDir)).status).toBe("canceled");
      // The worktree stays while the agent is still stopping.
      expect(fs.existsSync(run0.worktree)).toBe(true);
      const run = await waitFor(async () => {
        const r = await getRunOrThrow(h.db.orm, run0.id);
        return r.finishedAt !== null && r;
      }, "the run to finish", 60_000);
      const step = codeStep(run);
      expect(step.state).toBe("canceled");
      expect(step.diff).toContain("+++ b/partial.txt");
      expect(await git(run0.repo, "show", `${step.resultCommit}:partial.txt`)).toBe("half done");
      await waitFor(async () => !fs.existsSync(run0.worktree), "the worktree to be removed after the step stopped", 30_000);
      await waitFor(async () => processesIn(run0.worktree).length === 0, "the agent's processes to be gone", 30_000);
    } finally {
      await worker.stop(0);
    }
  });

  it("a write outside the worktree is refused at its permission request", async () => {
    const profile = await qwenProfile();
    const run0 = await startOneNodeRun(profile);
    const outside = path.join(await makeTempDir("baton-qwen-outside"), "escape.txt");
    server.setScript([
      { toolCalls: [{ name: "write_file", args: { file_path: outside, content: "escaped\n" } }] },
      { text: "I could not write there." },
    ]);
    const run = await h.drain(run0.id);
    expect(fs.existsSync(outside)).toBe(false);
    const events = await eventsOf(run.id);
    expect(events.some((e) => e.type === "log-line" && String(e.data.text).startsWith("permission denied") && String(e.data.text).includes(outside))).toBe(true);
    expect(codeStep(run).diff ?? "").not.toContain("escape.txt");
    expect(processesIn(run0.worktree)).toEqual([]);
  });
});
