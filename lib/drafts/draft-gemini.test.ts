/**
 * Drafting with the real Gemini CLI from npm (installed on first use, never skipped) over
 * ACP, against a scripted Gemini server on 127.0.0.1: Baton passes its draft MCP endpoint in
 * session/new, Gemini lists the two tools (as mcp_baton_*), the scripted model calls
 * validate_flow on a bad document, the problems come back to it as the tool's response, and
 * its answer is the valid draft.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModelServer, type ModelServer } from "../agents/testing/model-server";
import { realAgentBinary } from "../agents/testing/real-agents";
import type { Db } from "../db/client";
import { applyPreset } from "../profiles/presets/apply-preset";
import { findPreset } from "../profiles/presets";
import { insertProfile } from "../profiles/repository";
import { seedOrThrow } from "../seed";
import { openTestPglite } from "../testing/postgres";
import { draftBodySchema, draftWithAgentOrThrow } from "./service";
import { broken, brokenProblems, repaired } from "./testing/drafts";
import { startDraftMcpServer, type DraftMcpTestServer } from "./testing/draft-mcp-server";

let db: Db;
let mcp: DraftMcpTestServer;
let model: ModelServer;
let binary: string;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-draft-gemini-"));

beforeAll(async () => {
  db = await openTestPglite();
  await seedOrThrow(db);
  [mcp, model, binary] = await Promise.all([
    startDraftMcpServer(db),
    startModelServer([
      { toolCalls: [{ name: "mcp_baton_validate_flow", args: { document: broken } }] },
      { text: `\`\`\`json\n${JSON.stringify(repaired)}\n\`\`\`\nSummary: Plans, then builds the plan.` },
    ]),
    realAgentBinary("gemini"),
  ]);
  process.env.BATON_TEST_GEMINI_DRAFT_KEY = "baton-test-gemini-key-0123456789";
}, 15 * 60_000);
afterAll(async () => {
  delete process.env.BATON_TEST_GEMINI_DRAFT_KEY;
  await mcp?.close();
  await model?.close();
  await db?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("drafting with the real Gemini CLI", () => {
  it("calls Baton's validate_flow over MCP during its turn and answers with the repaired draft", async () => {
    const applied = applyPreset(findPreset("gemini-cli")!, { binary, model: "gemini-3.5-flash-lite", apiKey: "$BATON_TEST_GEMINI_DRAFT_KEY", baseURL: model.origin }, "gemini-drafter");
    if (!applied.ok) throw new Error(JSON.stringify(applied.issues));
    await insertProfile(db.orm, { ...applied.profile, enabled: true });
    const body = draftBodySchema.parse({ profile: "gemini-drafter", task: "Plan a change and build it" });
    const result = await draftWithAgentOrThrow(db, body, { dataDir, signal: new AbortController().signal, origin: mcp.origin });
    expect(result).toMatchObject({ valid: true, summary: "Plans, then builds the plan.", attempts: [{ problems: [] }] });
    expect(mcp.requests).toEqual(expect.arrayContaining(["POST initialize", "POST tools/list", "POST tools/call"]));

    const turns = model.requests.filter((request) => request.format === "gemini" && JSON.stringify(request.body).includes("Plan a change and build it"));
    const offered = JSON.stringify(turns[0].body.tools).match(/"name":"mcp_baton_[^"]+"/g);
    expect(offered?.sort()).toEqual(['"name":"mcp_baton_describe_flow_format"', '"name":"mcp_baton_validate_flow"']);
    const answered = JSON.stringify(turns.at(-1)!.body.contents);
    expect(answered).toContain("functionResponse");
    for (const problem of brokenProblems) expect(answered).toContain(JSON.stringify(problem).slice(1, -1));
  });
});
