/**
 * The real Gemini CLI from npm (installed on first use, never skipped) through Baton's engine
 * and ACP backend, against a scripted Gemini `generateContent` server on 127.0.0.1: creating
 * a file works with Baton's client fs (a missing file is answered "not found") and without
 * it, the node's model is selected with session/set_model, the turn's token counts
 * (`_meta.quota.token_count`) are recorded, and edits keep their tool kind.
 */
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../../db/client";
import { sweepFinishedRuns } from "../../engine/run-cleanup";
import { openHarness, type Harness } from "../../engine/testing/harness";
import { attemptWorktreePath, worktreesRoot } from "../../git/ref-names";
import { createRepo, git, makeTempDir } from "../../git/test-repos";
import { insertProfile } from "../../profiles/repository";
import { startRunOrThrow, type RunDetail } from "../../runs/service";
import { startModelServer, type ModelServer } from "../testing/model-server";
import { processesIn } from "../testing/processes";
import { realAgentBinary } from "../testing/real-agents";
import { applyPreset } from "../../profiles/presets/apply-preset";
import { findPreset } from "../../profiles/presets";

let h: Harness;
let server: ModelServer;
let binary: string;

beforeAll(async () => {
  [h, server, binary] = await Promise.all([openHarness("pglite"), startModelServer(), realAgentBinary("gemini")]);
  process.env.BATON_TEST_GEMINI_KEY = "baton-test-gemini-key-0123456789";
}, 15 * 60_000);
afterAll(async () => {
  delete process.env.BATON_TEST_GEMINI_KEY;
  await server?.close();
  // Waits for the last run's background cleanup (it shares in-flight cleanups) before the database closes.
  if (h) await sweepFinishedRuns(h.db.orm, h.dataDir, true);
  await h?.close();
});

let profiles = 0;
/** A profile made by the Gemini CLI preset (its default mode asks before each edit: Baton's worktree policy answers). */
async function geminiProfile(clientFs: boolean): Promise<string> {
  const applied = applyPreset(findPreset("gemini-cli")!, { binary, model: "gemini-3.5-flash-lite", apiKey: "$BATON_TEST_GEMINI_KEY", baseURL: server.origin }, `gemini-${++profiles}`);
  if (!applied.ok) throw new Error(JSON.stringify(applied.issues));
  await insertProfile(h.db.orm, { ...applied.profile, enabled: true, config: { ...applied.profile.config, clientFs } });
  return applied.profile.id;
}

const codeStep = (run: RunDetail) => run.steps.find((s) => s.key === "code")!;

async function createFileRun(profile: string, model?: string): Promise<{ run: RunDetail; repo: string; worktree: string }> {
  const { repo } = await createRepo(await makeTempDir("baton-gemini-repo"), { "README.md": "hello\n" });
  const flowId = await h.createFlow({
    name: `gemini ${profile}`,
    inputs: [{ name: "task", required: true }],
    nodes: [{ id: "code", kind: "agent", config: { profile, ...(model ? { model } : {}), prompt: "{{inputs.task}}" } }],
    edges: [],
  });
  const { id } = await startRunOrThrow(h.db, { flowId, inputs: { task: "create notes.txt" }, repo, origin: "api" });
  const worktree = attemptWorktreePath(worktreesRoot(h.dataDir), id, "code", 1);
  server.setScript([
    { toolCalls: [{ name: "write_file", args: { file_path: path.join(worktree, "notes.txt"), content: "from gemini\n" } }], usage: { input: 300, output: 25 } },
    { text: "Created notes.txt.", usage: { input: 340, output: 5 } },
  ]);
  return { run: await h.drain(id), repo, worktree };
}

describe("Gemini CLI over ACP", () => {
  it("with client fs off (its preset) creates the file; the node's model, the turn's usage and the tool kinds are recorded", async () => {
    const { run, repo, worktree } = await createFileRun(await geminiProfile(false), "gemini-2.5-pro");
    const step = codeStep(run);
    expect(step.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(await git(repo, "show", `${step.resultCommit}:notes.txt`)).toBe("from gemini");
    expect(step.diff).toContain("+++ b/notes.txt");
    expect(step.output).toBe("Created notes.txt.");
    // The node's model reached the agent (session/set_model), not the profile's -m model.
    const models = new Set(server.requests.filter((r) => r.format === "gemini").map((r) => /models\/([^:]+):/.exec(r.url)?.[1]));
    expect(models).toEqual(new Set(["gemini-2.5-pro"]));
    // The turn's totals from `_meta.quota.token_count`.
    expect(step.usage).toMatchObject({ inputTokens: 640, outputTokens: 30, totalTokens: 670 });
    const events = await rows<{ type: string; data: Record<string, unknown> }>(h.db.orm, sql`select type, data from step_events where run_id = ${run.id} order by id`);
    expect(events.filter((e) => e.type === "tool-call-update").map((e) => e.data.kind)).toContain("edit");
    expect(processesIn(worktree)).toEqual([]);
  });

  it("an edit the agent reports failed, with no diff, fails the step instead of passing green", async () => {
    // With Baton's client fs on, Gemini CLI 0.61 can't tell the "Resource not found" answer to
    // its existence check from a real error: its write fails, and it still ends its turn.
    server.requests.length = 0;
    const { run } = await createFileRun(await geminiProfile(true));
    const step = codeStep(run);
    expect(run.status).toBe("failed");
    expect(step.error).toMatch(/^the agent's edits failed and it changed nothing: Writing to notes\.txt \(Error checking existing file/);
    expect((step.diffStats as { files?: number } | null)?.files ?? 0).toBe(0);
  });
});
