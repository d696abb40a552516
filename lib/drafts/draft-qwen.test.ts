/**
 * The draft loop driven by the real qwen-code CLI from npm (installed on first use, never
 * skipped: lib/agents/testing/real-agents.ts) over ACP, against a scripted OpenAI
 * chat-completions server on 127.0.0.1, with its progress. Round 1: the model answers with a
 * draft that has a cycle and an unknown step reference; Baton checks it as saving would and
 * sends every problem back. Round 2 is a fresh qwen session with Baton's repair prompt: the
 * model answers with the repaired draft, and the draft comes back valid.
 *
 * Baton hands qwen its per-draft MCP endpoint in session/new and qwen connects to it, but the
 * model's in-turn validate_flow call is not part of this test: qwen-code 0.24.4 gives a remote
 * MCP server 5 s to be discovered (REMOTE_DEFAULT_TIMEOUT_MS; configurable only per server in
 * its settings.json, which an ACP session's server replaces), and on a busy machine its tool
 * discovery (which first loads @google/genai's mcpToTool) misses that, so the tools are absent
 * for the turn ("MCP server(s) failed to start: baton"). Baton's own check does not depend on it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModelServer, type ModelServer } from "../agents/testing/model-server";
import { realAgentBinary } from "../agents/testing/real-agents";
import type { DraftProgress } from "../contract/draft";
import type { Db } from "../db/client";
import { applyPreset } from "../profiles/presets/apply-preset";
import { findPreset } from "../profiles/presets";
import { insertProfile } from "../profiles/repository";
import { seedOrThrow } from "../seed";
import { openTestPglite } from "../testing/postgres";
import { draftBodySchema, draftWithAgentOrThrow } from "./service";
import { broken, brokenProblems, repaired } from "./testing/drafts";
import { startDraftMcpServer, type DraftMcpTestServer } from "./testing/draft-mcp-server";

const answer = (doc: unknown, summary: string) => `\`\`\`json\n${JSON.stringify(doc)}\n\`\`\`\nSummary: ${summary}`;

let db: Db;
let mcp: DraftMcpTestServer;
let model: ModelServer;
let binary: string;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-draft-qwen-"));

beforeAll(async () => {
  db = await openTestPglite();
  await seedOrThrow(db);
  [mcp, model, binary] = await Promise.all([startDraftMcpServer(db), startModelServer([{ text: answer(broken, "first try") }]), realAgentBinary("qwen")]);
  process.env.BATON_TEST_QWEN_DRAFT_KEY = "sk-baton-test-qwen-draft-0123456789";
}, 15 * 60_000);
afterAll(async () => {
  delete process.env.BATON_TEST_QWEN_DRAFT_KEY;
  await mcp?.close();
  await model?.close();
  await db?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("drafting with the real qwen-code", () => {
  it("gets round 1's problems back from Baton, answers with the repair, and the draft comes back valid", async () => {
    const applied = applyPreset(findPreset("qwen-code")!, { binary, model: "scripted", baseURL: `${model.origin}/v1`, apiKey: "$BATON_TEST_QWEN_DRAFT_KEY" }, "qwen-drafter");
    if (!applied.ok) throw new Error(JSON.stringify(applied.issues));
    await insertProfile(db.orm, { ...applied.profile, enabled: true });
    const body = draftBodySchema.parse({ profile: "qwen-drafter", task: "Plan a change and build it" });
    const progress: DraftProgress[] = [];
    let round2From = -1;
    const result = await draftWithAgentOrThrow(db, body, {
      dataDir,
      signal: new AbortController().signal,
      origin: mcp.origin,
      onProgress: (event) => {
        progress.push(event);
        // Round 2 is a fresh qwen session: its script starts over, with the repaired draft.
        if (event.type === "checked" && event.attempt === 1) {
          round2From = model.requests.length;
          model.setScript([{ text: answer(repaired, "Plans, then builds the plan.") }]);
        }
      },
    });

    expect(result).toMatchObject({ valid: true, issues: [], summary: "Plans, then builds the plan.", profile: "qwen-drafter", attempts: [{ problems: brokenProblems }, { problems: [] }] });
    expect(result.document).toMatchObject({ name: "Plan and build", edges: [{ from: "plan", to: "build" }] });

    // qwen got the task in round 1, and Baton's repair prompt with every problem in round 2.
    const chats = (from: number, to: number) => model.requests.slice(from, to).filter((request) => request.format === "chat").map((request) => JSON.stringify(request.body.messages));
    expect(chats(0, round2From).some((messages) => messages.includes("Task: Plan a change and build it"))).toBe(true);
    const repair = chats(round2From, model.requests.length).find((messages) => messages.includes("Problems (2):"));
    expect(repair).toBeDefined();
    for (const problem of brokenProblems) expect(repair).toContain(JSON.stringify(problem).slice(1, -1));
    // Each session was handed Baton's draft MCP endpoint, and qwen connected to it.
    expect(mcp.requests.filter((request) => request === "POST initialize")).toHaveLength(2);

    // What a person watching saw: each round asked, qwen's answer, Baton's check.
    expect(progress.filter((event) => event.type !== "tool-call")).toEqual([
      { type: "asking", attempt: 1, maxAttempts: 3 },
      { type: "agent-text", attempt: 1, text: "[JSON] Summary: first try" },
      { type: "checked", attempt: 1, maxAttempts: 3, problems: brokenProblems },
      { type: "asking", attempt: 2, maxAttempts: 3 },
      { type: "agent-text", attempt: 2, text: "[JSON] Summary: Plans, then builds the plan." },
      { type: "checked", attempt: 2, maxAttempts: 3, problems: [] },
    ]);
  });
});
