/**
 * The drafting agent's tools over ACP: a real ACP agent subprocess (the fake agent, which
 * advertises HTTP MCP) gets Baton's draft MCP endpoint in session/new, served by the route's
 * own handler on a real HTTP server on 127.0.0.1 (testing/draft-mcp-server.ts). During its turn it lists the tools
 * (only describe_flow_format and validate_flow), validates a bad document and gets every
 * problem with its path, then answers with a valid draft. The endpoint lives only while its
 * draft does.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeAgentCommand } from "../agents/testing/fake-acp";
import type { Db } from "../db/client";
import { insertMissingProfiles } from "../profiles/repository";
import { seedOrThrow } from "../seed";
import { openTestPglite } from "../testing/postgres";
import { handleDraftMcpPost, openDraftMcpAccess } from "./draft-mcp";
import { draftBodySchema, draftWithAgentOrThrow } from "./service";
import type { DraftProgress } from "../contract/draft";
import { broken, brokenProblems, repaired } from "./testing/drafts";
import { startDraftMcpServer, type DraftMcpTestServer } from "./testing/draft-mcp-server";


let db: Db;
let mcpServer: DraftMcpTestServer;
let origin: string;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-draft-acp-"));

beforeAll(async () => {
  db = await openTestPglite();
  await seedOrThrow(db);
  mcpServer = await startDraftMcpServer(db);
  origin = mcpServer.origin;
}, 300_000);

afterAll(async () => {
  await mcpServer?.close();
  await db?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("drafting with an ACP agent", () => {
  it("gives the agent the read-only MCP tools for its turn: validate_flow returns every problem with its path", async () => {
    const command = fakeAgentCommand({
      mcpHttp: true,
      steps: [
        { op: "chunk", text: `\`\`\`json\n${JSON.stringify(repaired)}\n\`\`\`\nSummary: ` },
        { op: "mcp-call", server: "baton", tool: "validate_flow", args: { document: broken } },
      ],
    });
    await insertMissingProfiles(db.orm, [{ id: "acp-drafter", backend: "acp", label: "fake", config: { command } }]);
    const body = draftBodySchema.parse({ profile: "acp-drafter", task: "Plan a change and build it" });
    const progress: DraftProgress[] = [];
    const result = await draftWithAgentOrThrow(db, body, { dataDir, signal: new AbortController().signal, origin, onProgress: (event) => progress.push(event) });
    expect(result).toMatchObject({ valid: true, attempts: [{ problems: [] }] });
    // The endpoint told the draft's progress what validate_flow found (the fake agent reports
    // no tool call of its own, so Baton's result is a line of its own).
    expect(progress).toContainEqual({ type: "tool-call", attempt: 1, toolCallId: "baton-validate_flow-1", tool: "validate_flow", status: "completed", problems: brokenProblems });
    expect(result.document).toMatchObject({ edges: [{ from: "plan", to: "build" }] });
    expect(mcpServer.requests).toEqual(expect.arrayContaining(["POST initialize", "POST tools/list", "POST tools/call"]));
    // The agent's own report of its MCP session, which it put in its summary.
    expect(result.summary).toContain("[mcp tools describe_flow_format,validate_flow]");
    expect(result.summary).toContain("[mcp validate_flow: invalid: 2 problems; fix them all and try again:");
    expect(result.summary).toContain("- edges[1]: cycle: plan → build → plan (the edge build → plan closes it)");
    expect(result.summary).toContain('- nodes[1].config.prompt: {{steps.research.output}} refers to unknown step "research"');
  });

  it("answers 404 once the draft's access is revoked", async () => {
    const access = openDraftMcpAccess(origin, 60_000);
    const token = access.url.split("/").pop()!;
    const ping = () =>
      handleDraftMcpPost(
        new Request(access.url, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
        }),
        token,
        { db: async () => db, log: () => {} },
      );
    expect((await ping()).status).toBe(200);
    access.revoke();
    const refused = await ping();
    expect(refused.status).toBe(404);
    expect(await refused.text()).toContain("no such draft");
  });
});
