/**
 * `npm run mcp` as an MCP client spawns it: the SDK's StdioClientTransport starts
 * scripts/mcp-stdio.ts as a child process. Both sides share one Postgres database, so the
 * test can check through the run service that what the model started is an ordinary run.
 */
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createFlowOrThrow } from "../flows/service";
import { insertMissingProfiles } from "../profiles/repository";
import { getRunOrThrow, listRuns } from "../runs/service";
import { seedOrThrow } from "../seed";
import { openTestPostgres } from "../testing/postgres";

const ROOT = path.resolve(import.meta.dirname, "../..");

let db: Db & { url: string };
let client: Client;
let stderr = "";

beforeAll(async () => {
  db = await openTestPostgres();
  await seedOrThrow(db);
  // A demo profile whose agent hangs until cancelled: what cancel_agent is for.
  await insertMissingProfiles(db.orm, [{ id: "demo-hang", backend: "demo", label: "hangs", config: { hang: true } }]);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith("BATON_")) env[name] = value;
  }
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/mcp-stdio.ts")],
    // A different cwd on purpose: MCP clients spawn servers from wherever they run.
    cwd: "/",
    env: { ...env, DATABASE_URL: db.url, BATON_WORKER_POLL_MS: "100", BATON_WORKER_HEARTBEAT_MS: "100" },
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  client = new Client({ name: "baton-stdio-test", version: "1.0.0" });
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
  await db?.close();
});

async function call<T = Record<string, unknown>>(name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
  expect(result.isError ?? false, `${name}: ${text}\n--- server stderr ---\n${stderr}`).toBe(false);
  return result.structuredContent as T;
}

describe("MCP over stdio (npm run mcp)", () => {
  it("lists the tools", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(["list_flows", "run_flow", "wait_for_run", "rerun_step", "create_agent", "wait_for_agent", "cancel_agent"]),
    );
  });

  it("runs a flow, waits, re-runs the failed step; the run is visible to the run service", async () => {
    const flow = await createFlowOrThrow(db, {
      name: "Flaky",
      inputs: [{ name: "task", required: true }],
      nodes: [{ id: "work", kind: "agent", config: { profile: "demo", prompt: "{{inputs.task}}", workspace: "none", retries: 0, options: { failTimes: 1 } } }],
    });
    const { runId } = await call<{ runId: string }>("run_flow", { flowId: flow.id, inputs: { task: "do it" } });
    expect(await call("wait_for_run", { runId, timeoutSec: 60 })).toMatchObject({ status: "failed", timedOut: false });
    await call("rerun_step", { runId, stepId: "work" });
    expect(await call("wait_for_run", { runId, timeoutSec: 60 })).toMatchObject({ status: "succeeded", timedOut: false });

    const run = await getRunOrThrow(db.orm, runId);
    expect(run).toMatchObject({ origin: "mcp", status: "succeeded" });
    expect(run.steps[0]).toMatchObject({ state: "succeeded", attempt: 2 });
  });

  it("creates, waits for and cancels agents", async () => {
    const done = await call<{ agentId: string }>("create_agent", { title: "Quick", provider: "demo", initialPrompt: "say hi" });
    expect(await call("wait_for_agent", { agentId: done.agentId, timeoutSec: 60 })).toMatchObject({ status: "idle", timedOut: false });

    const slow = await call<{ agentId: string }>("create_agent", { title: "Slow", provider: "demo-hang", initialPrompt: "take long" });
    expect(await call("wait_for_agent", { agentId: slow.agentId, timeoutSec: 1 })).toMatchObject({ timedOut: true });
    await call("cancel_agent", { agentId: slow.agentId });
    const ended = await call("wait_for_agent", { agentId: slow.agentId, timeoutSec: 60 });
    expect(ended).toMatchObject({ status: "closed", runStatus: "canceled", timedOut: false });

    const { runs } = await listRuns(db.orm, {});
    expect(runs.filter((run) => run.origin === "mcp").map((run) => run.id)).toEqual(
      expect.arrayContaining([done.agentId, slow.agentId]),
    );
  });
});
