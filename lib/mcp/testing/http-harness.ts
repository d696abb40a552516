/**
 * For MCP tests: the SDK's own Client over Streamable HTTP (the route's handler as its
 * fetch) against a seeded PGlite database with a real embedded worker running the real
 * engine and the demo agent.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Db } from "../../db/client";
import { startWorkerHost, type WorkerHost } from "../../dispatch/host";
import { trackBackgroundWork } from "../../engine/testing/background-work";
import { seedOrThrow } from "../../seed";
import { openTestPglite } from "../../testing/postgres";
import type { ToolContext } from "../context";
import { handleMcpPost } from "../http";

export interface McpHarness {
  db: Db;
  client: Client;
  logged: unknown[];
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

export async function openHttpHarness(): Promise<McpHarness> {
  const db = await openTestPglite();
  await seedOrThrow(db);
  const { engine, settled } = trackBackgroundWork();
  const host: WorkerHost = await startWorkerHost(db, engine, "embedded", {
    tags: [],
    concurrency: 4,
    pollIntervalMs: 100,
    listen: true,
    leaseMs: 30_000,
    heartbeatIntervalMs: 100,
    graceMs: 1000,
    rescuerIntervalMs: 5000,
  });
  const logged: unknown[] = [];
  const context: ToolContext = { db: async () => db, log: (message, error) => logged.push([message, error]) };
  const client = new Client({ name: "baton-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL("http://127.0.0.1/api/mcp"), {
      fetch: (url, init) => handleMcpPost(new Request(url, init), context),
    }),
  );
  return {
    db,
    client,
    logged,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await host.stop();
      await settled();
      await db.close();
    },
  };
}
