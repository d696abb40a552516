/**
 * `npm run mcp` as real stdio clients live with it, on an embedded (PGlite) data dir:
 * - `initialize` and `tools/list` are answered before the database is opened: here the data
 *   dir is locked by this test while the client connects, and a tool call made meanwhile
 *   completes once the lock is let go (the server waits for it).
 * - A conductor that exits mid-run (the SDK's close: stdin closed, then SIGTERM, then
 *   SIGKILL) leaves a run that still finishes: its running step goes back to ready with no
 *   attempt spent, and the next `npm run mcp` on the same data dir resumes it. The lease is
 *   ten minutes long, so only a real hand-back — not an expired lease — lets it resume here.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, describe, expect, it } from "vitest";
import { lockDataDirOrThrow } from "../db/data-dir-lock";
import { STDIO_RUN_NOTE } from "./stdio-backend";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-stdio-life-"));
const clients: Client[] = [];
let stderr = "";

function conductor(): { client: Client; transport: StdioClientTransport } {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith("BATON_") && name !== "DATABASE_URL") env[name] = value;
  }
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/mcp-stdio.ts")],
    cwd: "/",
    env: { ...env, BATON_DATA_DIR: dataDir, BATON_WORKER_POLL_MS: "100", BATON_WORKER_HEARTBEAT_MS: "100", BATON_WORKER_LEASE_MS: "600000" },
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: "baton-stdio-lifecycle", version: "1.0.0" });
  clients.push(client);
  return { client, transport };
}

async function call<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 240_000 })) as CallToolResult;
  const text = result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
  expect(result.isError ?? false, `${name}: ${text}\n--- server stderr ---\n${stderr}`).toBe(false);
  return { structured: result.structuredContent as T, text };
}

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => {});
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run mcp on an embedded data dir", () => {
  it("answers initialize before opening the database, and a stdio conductor's run survives its exit", { timeout: 600_000 }, async () => {
    // Someone else holds the data dir while the client connects.
    fs.mkdirSync(path.join(dataDir, "pgdata"));
    const lock = await lockDataDirOrThrow(path.join(dataDir, "pgdata"));
    const first = conductor();
    await first.client.connect(first.transport);
    const { tools } = await first.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(["describe_flow_format", "run_flow", "get_step_output"]));
    const described = call(first.client, "describe_flow_format");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await lock.release();
    expect((await described).text).toContain("### agent — Agent");

    // A two-step flow whose first step takes ~12 s (4 chunks, 3 s apart).
    const { structured: created } = await call<{ flowId: string }>(first.client, "create_flow", {
      document: {
        name: "Slow then quick",
        inputs: [{ name: "task", required: true }],
        nodes: [
          { id: "slow", kind: "agent", config: { profile: "demo", prompt: "{{inputs.task}}", workspace: "none", options: { delayMs: 3000, chunks: 4 } } },
          { id: "quick", kind: "agent", config: { profile: "demo", prompt: "Check: {{steps.slow.output}}", workspace: "none" } },
        ],
        edges: [{ from: "slow", to: "quick" }],
      },
    });
    const started = await call<{ runId: string; note?: string }>(first.client, "run_flow", { flowId: created.flowId, inputs: { task: "take your time" } });
    expect(started.structured.note).toBe(STDIO_RUN_NOTE);
    expect(started.text).toContain(STDIO_RUN_NOTE);
    const { runId } = started.structured;
    for (let i = 0; ; i++) {
      const { structured } = await call<{ steps: { key: string; state: string }[] }>(first.client, "get_run", { runId });
      if (structured.steps.find((step) => step.key === "slow")?.state === "running") break;
      expect(i, "the slow step never started").toBeLessThan(600);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // The client exits mid-step.
    const pid = first.transport.pid!;
    await first.client.close();
    expect(() => process.kill(pid, 0)).toThrow();

    // The next conductor on the same data dir resumes the run.
    const second = conductor();
    await second.client.connect(second.transport);
    const { structured: ended } = await call<{ status: string; timedOut: boolean; steps: { key: string; state: string; attempt: number }[] }>(
      second.client,
      "wait_for_run",
      { runId, timeoutSec: "200" },
    );
    expect(ended).toMatchObject({ status: "succeeded", timedOut: false });
    expect(ended.steps.map((step) => [step.key, step.state, step.attempt])).toEqual([
      ["slow", "succeeded", 1],
      ["quick", "succeeded", 1],
    ]);
  });
});
