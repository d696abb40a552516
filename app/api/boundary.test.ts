/**
 * Strings no field may hold (a NUL, a lone surrogate) and absurd nesting are refused where
 * they enter — the body parser, route params, query strings, MCP tool arguments — with a
 * 400 (an `isError` result over MCP) naming the field, never a 500 from Postgres or a stack
 * overflow. Drives the real route handlers with real Requests over the embedded database;
 * app/security.test.ts repeats the path cases through a production server.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-boundary-"));
process.env.BATON_DATA_DIR = dataDir;
delete process.env.DATABASE_URL;

const flowsRoute = await import("./flows/route");
const flowRoute = await import("./flows/[id]/route");
const flowRunsRoute = await import("./flows/[id]/runs/route");
const runsRoute = await import("./runs/route");
const runRoute = await import("./runs/[id]/route");
const mcpRoute = await import("./mcp/route");

const ctx = <P>(params: P) => ({ params: Promise.resolve(params) });
const noParams = ctx({} as Record<string, never>);
const jsonRequest = (method: string, body: string, url = "http://127.0.0.1/api/flows") =>
  new Request(url, { method, body, headers: { "content-type": "application/json" } });

const flow = (patch: { name?: string; prompt?: string; options?: Record<string, unknown> } = {}) => ({
  name: patch.name ?? "Boundary",
  inputs: [{ name: "task" }],
  nodes: [{ id: "a", kind: "agent", config: { profile: "demo", prompt: patch.prompt ?? "{{inputs.task}}", ...(patch.options ? { options: patch.options } : {}) } }],
  edges: [],
});

let flowId = "";

beforeAll(async () => {
  const created = await flowsRoute.POST(jsonRequest("POST", JSON.stringify(flow())), noParams);
  expect(created.status).toBe(201);
  flowId = ((await created.json()) as { id: string }).id;
});

afterAll(async () => {
  const { appDb } = await import("@/lib/app-db");
  await (await appDb()).close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function refusal(response: Response): Promise<{ status: number; error: string; paths: string[] }> {
  const body = (await response.json()) as { error: string; issues?: Array<{ path: string }> };
  return { status: response.status, error: body.error, paths: (body.issues ?? []).map((i) => i.path) };
}

describe("bad strings at the boundary", () => {
  const deep = "[".repeat(10_000) + "]".repeat(10_000);
  // JSON text, since JSON.stringify would escape what the attacker sends raw.
  const bodies: Array<[string, string, string]> = [
    ["a NUL in the flow name", JSON.stringify(flow({ name: "evil\u0000name" })), "name"],
    ["a NUL in a prompt", JSON.stringify(flow({ prompt: "do \u0000 it" })), "nodes[0].config.prompt"],
    ["a NUL in an option key", JSON.stringify(flow({ options: { "fail\u0000Times": 1 } })), 'nodes[0].config.options["fail\\u0000Times"]'],
    ["a lone surrogate in the flow name", `{"name": "\\ud800", "nodes": []}`, "name"],
    ["a 10,000-deep options array", `{"name": "deep", "nodes": [{"id": "a", "kind": "agent", "config": {"profile": "demo", "prompt": "p", "options": {"x": ${deep}}}}]}`, ""],
  ];

  it.each(bodies)("POST /api/flows with %s → 400 naming the field", async (_label, body, field) => {
    const result = await refusal(await flowsRoute.POST(jsonRequest("POST", body), noParams));
    expect(result.status).toBe(400);
    if (field) expect(result.paths).toEqual([field]);
    else expect(result.error).toMatch(/^invalid body: nodes\[0\]\.config\.options\.x(\[0\])+: nests deeper than 64 levels$/);
  });

  it("a NUL in a rename → 400 naming name; the flow is unchanged", async () => {
    const result = await refusal(await flowRoute.PATCH(jsonRequest("PATCH", JSON.stringify({ name: "re\u0000named" })), ctx({ id: flowId })));
    expect(result).toMatchObject({ status: 400, paths: ["name"] });
    const current = (await (await flowRoute.GET(new Request("http://127.0.0.1/"), ctx({ id: flowId }))).json()) as { name: string; latestVersion: number };
    expect(current).toMatchObject({ name: "Boundary", latestVersion: 1 });
  });

  it("a NUL or lone surrogate in a run input → 400 naming inputs.task; no run is created", async () => {
    for (const body of [JSON.stringify({ inputs: { task: "x\u0000y" } }), `{"inputs": {"task": "\\udc00"}}`]) {
      const result = await refusal(await flowRunsRoute.POST(jsonRequest("POST", body), ctx({ id: flowId })));
      expect(result).toMatchObject({ status: 400, paths: ["inputs.task"] });
    }
    const runs = (await (await runsRoute.GET(new Request("http://127.0.0.1/api/runs"), noParams)).json()) as { runs: unknown[] };
    expect(runs.runs).toEqual([]);
  });

  it("a NUL in a path segment or a query parameter → 400 naming it", async () => {
    expect(await refusal(await runRoute.GET(new Request("http://127.0.0.1/api/runs/%00"), ctx({ id: "\u0000" })))).toMatchObject({
      status: 400,
      paths: ["id"],
    });
    expect(await refusal(await runsRoute.GET(new Request("http://127.0.0.1/api/runs?flow=%00"), noParams))).toMatchObject({
      status: 400,
      paths: ["flow"],
    });
  });

  it("a NUL in an MCP tool argument → an isError result naming the argument", async () => {
    const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
    const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
    const client = new Client({ name: "boundary", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL("http://127.0.0.1/api/mcp"), {
        fetch: (url, init) => mcpRoute.POST(new Request(url, init), noParams),
      }),
    );
    try {
      const result = await client.callTool({ name: "run_flow", arguments: { flowId, inputs: { task: "a\u0000b" } } });
      expect(result.isError).toBe(true);
      expect(result.content).toEqual([{ type: "text", text: "invalid arguments: inputs.task: contains a NUL character (\\u0000)" }]);
      const agent = await client.callTool({ name: "create_agent", arguments: { title: "t\ud800", provider: "demo", initialPrompt: "hi" } });
      expect(agent.content).toEqual([{ type: "text", text: "invalid arguments: title: contains a lone surrogate (invalid Unicode)" }]);
    } finally {
      await client.close();
    }
  });
});
