/**
 * Conductor mode as real clients met it (issue 18, part 4), with the SDK client over
 * Streamable HTTP: outputs in the text part, paging a whole output by tool, honest tool
 * references, real availability, numeric strings, flow order, the example repository,
 * `server/discover`, and `notifications/cancelled` ending a wait on the stateless endpoint.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createFlowOrThrow } from "../flows/service";
import { EXAMPLE_REPO_DIR } from "../git/example-repo";
import { listFlows } from "../flows/repository";
import { insertMissingProfiles } from "../profiles/repository";
import { getRunOrThrow } from "../runs/service";
import { handleMcpPost, inFlightMcpRequests } from "./http";
import { openHttpHarness, textOf, type McpHarness } from "./testing/http-harness";

let mcp: McpHarness;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-conductor-"));

beforeAll(async () => {
  vi.stubEnv("BATON_DATA_DIR", dataDir);
  mcp = await openHttpHarness();
  await insertMissingProfiles(mcp.db.orm, [
    { id: "demo-hang", backend: "demo", label: "hangs", config: { hang: true } },
    { id: "missing", backend: "acp", label: "not installed", config: { command: ["baton-no-such-agent-binary"] } },
  ]);
}, 240_000);

afterAll(async () => {
  await mcp?.close();
  vi.unstubAllEnvs();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const LONG = Array.from({ length: 400 }, (_, i) => `line ${i}: ${"words ".repeat(3)}`).join("\n") + "\nTHE END";

describe("conductor mode over HTTP", () => {
  it("puts capped outputs in the text, steps in flow order, and pages a whole output with get_step_output", async () => {
    const flow = await createFlowOrThrow(mcp.db, {
      name: "Long output",
      inputs: [{ name: "task" }],
      // Declared downstream-first, so document order is not flow order either.
      nodes: [
        { id: "last", kind: "agent", config: { profile: "demo", prompt: "sum up {{steps.first.output}}", workspace: "none", options: { text: "short" } } },
        { id: "first", kind: "agent", config: { profile: "demo", prompt: "{{inputs.task}}", workspace: "none", options: { text: LONG } } },
      ],
      edges: [{ from: "first", to: "last" }],
    });
    const started = await mcp.call("run_flow", { flowId: flow.id, inputs: { task: "go" } });
    const { runId } = started.structuredContent as { runId: string };
    expect(textOf(started)).toContain(`call wait_for_run {"runId": "${runId}"} to wait for it to end`);
    expect(started.structuredContent).toMatchObject({ next: expect.stringContaining("wait_for_run") });

    const ended = await mcp.call("wait_for_run", { runId, timeoutSec: "60" });
    const view = ended.structuredContent as { status: string; steps: { key: string; output: string; outputChars: number; outputTruncated: boolean }[] };
    expect(view.status).toBe("succeeded");
    expect(view.steps.map((step) => step.key)).toEqual(["first", "last"]);
    const first = view.steps[0];
    expect(first).toMatchObject({ outputChars: LONG.length, outputTruncated: true });
    expect(first.output).toContain(`read them with get_step_output {"runId": "${runId}", "stepId": "first"}`);
    // The text carries the same capped output as the structured part (indented under its step).
    const text = textOf(ended);
    expect(text).toContain("- first [agent] succeeded");
    expect(text).toContain("    THE END");
    expect(text).toContain(`    [… ${LONG.length - 1500} earlier characters omitted; read them with get_step_output`);
    expect(text).toContain("- last [agent] succeeded");
    expect(text).toContain("    short");
    expect(text).not.toContain("/api/runs/");

    let whole = "";
    let offset: number | null = 0;
    let pages = 0;
    while (offset !== null) {
      const page = await mcp.call("get_step_output", { runId, stepId: "first", offset, limit: "3000" });
      const data = page.structuredContent as { text: string; nextOffset: number | null; totalChars: number };
      expect(data.totalChars).toBe(LONG.length);
      expect(textOf(page)).toContain(data.text);
      whole += data.text;
      offset = data.nextOffset;
      pages++;
    }
    expect(whole).toBe(LONG);
    expect(pages).toBe(Math.ceil(LONG.length / 3000));
  });

  it("names only tools that exist, and not list_agents in its hints", async () => {
    const { tools } = await mcp.client.listTools();
    const names = new Set(tools.map((tool) => tool.name));
    const texts = [mcp.client.getInstructions() ?? "", ...tools.map((tool) => `${tool.description}\n${JSON.stringify(tool.inputSchema)}`)];
    const mentioned = texts.flatMap((text) => [...text.matchAll(/\b(?:list|get|run|wait_for|create|update|cancel|archive|rerun|describe|validate)_[a-z_]+\b/g)].map((m) => m[0]));
    expect(mentioned.length).toBeGreaterThan(10);
    expect(mentioned.filter((name) => !names.has(name))).toEqual([]);

    const unknown = await mcp.call("get_agent_status", { agentId: "run_nope" });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).not.toMatch(/list_agents/);
  });

  it("list_providers says which profiles are really available, and why not", async () => {
    const result = await mcp.call("list_providers");
    const { providers } = result.structuredContent as { providers: { provider: string; available: boolean; reason: string; checked: string }[] };
    expect(providers.find((p) => p.provider === "demo")).toMatchObject({ available: true });
    expect(providers.find((p) => p.provider === "missing")).toMatchObject({
      available: false,
      checked: "installed",
      reason: expect.stringContaining("baton-no-such-agent-binary not found"),
    });
    for (const provider of providers) expect(typeof provider.available).toBe("boolean");
    expect(textOf(result)).toContain("- missing: not installed — NOT available (installed: baton-no-such-agent-binary not found");
  });

  it('runs the Example flow on the bundled example repository with repo: "example"', async () => {
    const example = (await listFlows(mcp.db.orm)).find((flow) => flow.name.startsWith("Example"))!;
    const started = await mcp.call("run_flow", { flowId: example.id, inputs: { task: "Add a greeting" }, repo: "example" });
    expect(started.isError ?? false, textOf(started)).toBe(false);
    const { runId } = started.structuredContent as { runId: string };
    expect((await mcp.call("wait_for_run", { runId, timeoutSec: 60 })).structuredContent).toMatchObject({ status: "succeeded" });
    const run = await getRunOrThrow(mcp.db.orm, runId);
    expect(run.repo).toBe(fs.realpathSync(path.join(dataDir, EXAMPLE_REPO_DIR)));
  });
});

describe("the stateless HTTP endpoint", () => {
  const context = { db: async () => mcp.db, log: () => {} };
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    handleMcpPost(
      new Request("http://127.0.0.1/api/mcp", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
        body: JSON.stringify(body),
      }),
      context,
    );

  it("answers server/discover as an unknown method, not a 400, whatever protocol version the client names", async () => {
    const response = await post({ jsonrpc: "2.0", id: 7, method: "server/discover", params: {} }, { "mcp-protocol-version": "2026-06-30" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", id: 7, error: { code: -32601, message: expect.stringContaining("initialize") } });
  });

  it("ends a wait when the client sends notifications/cancelled in another request", async () => {
    // A client whose fetch records when each response stream is closed by the server.
    const streams: { method: string; ended: boolean }[] = [];
    const client = new Client({ name: "cancelling", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL("http://127.0.0.1/api/mcp"), {
        fetch: async (url, init) => {
          const response = await handleMcpPost(new Request(url, init), context);
          const method = JSON.parse(String(init?.body ?? "{}")).method ?? "";
          if (!response.body) return response;
          const entry = { method, ended: false };
          streams.push(entry);
          const reader = response.body.getReader();
          const body = new ReadableStream({
            async pull(controller) {
              const { done, value } = await reader.read();
              if (done) {
                entry.ended = true;
                controller.close();
              } else controller.enqueue(value);
            },
          });
          return new Response(body, { status: response.status, headers: response.headers });
        },
      }),
    );
    const flow = await createFlowOrThrow(mcp.db, {
      name: "Hangs",
      nodes: [{ id: "hang", kind: "agent", config: { profile: "demo-hang", prompt: "wait", workspace: "none" } }],
    });
    const started = await client.callTool({ name: "run_flow", arguments: { flowId: flow.id } });
    const { runId } = started.structuredContent as { runId: string };

    const abort = new AbortController();
    const waiting = client.callTool({ name: "wait_for_run", arguments: { runId, timeoutSec: 3000 } }, undefined, { signal: abort.signal, timeout: 3_600_000 });
    await vi.waitFor(() => expect(inFlightMcpRequests()).toBe(1), { timeout: 10_000 });
    const waitStream = streams.find((stream) => stream.method === "tools/call" && !stream.ended)!;
    expect(waitStream).toBeDefined();
    abort.abort("no longer needed");
    await expect(waiting).rejects.toThrow();
    // The server ended the wait and closed its stream, long before its 3000 s.
    await vi.waitFor(() => expect(waitStream.ended).toBe(true), { timeout: 10_000 });
    expect(inFlightMcpRequests()).toBe(0);

    await client.callTool({ name: "cancel_run", arguments: { runId } });
    await client.close();
  });
});
