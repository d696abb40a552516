/**
 * Conductor mode end to end, in process: the SDK's own Client over Streamable HTTP (the
 * route's handler as its fetch), against a PGlite database with a real embedded worker
 * running the real engine and the demo agent.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "../db/client";
import { startWorkerHost, type WorkerHost } from "../dispatch/host";
import { trackBackgroundWork } from "../engine/testing/background-work";
import { EXAMPLE_FLOW } from "../flow/example";
import { createFlowOrThrow } from "../flows/service";
import { ensureExampleRepo } from "../git/example-repo";
import { insertMissingProfiles } from "../profiles/repository";
import { getRunOrThrow, listRuns } from "../runs/service";
import { seedOrThrow } from "../seed";
import { openTestPglite } from "../testing/postgres";
import type { ToolContext } from "./context";
import { handleMcpPost } from "./http";

let db: Db;
let host: WorkerHost;
let client: Client;
const logged: unknown[] = [];
const background = trackBackgroundWork();

const TOOL_NAMES = [
  "archive_agent",
  "cancel_agent",
  "cancel_run",
  "create_agent",
  "create_flow",
  "describe_flow_format",
  "get_agent_status",
  "get_flow",
  "get_run",
  "get_step_output",
  "list_agents",
  "list_flows",
  "list_providers",
  "rerun_step",
  "review_step",
  "run_flow",
  "update_flow",
  "validate_flow",
  "wait_for_agent",
  "wait_for_run",
];

beforeAll(async () => {
  db = await openTestPglite();
  await seedOrThrow(db);
  // A demo profile whose agent hangs until cancelled: what cancel_agent is for.
  await insertMissingProfiles(db.orm, [{ id: "demo-hang", backend: "demo", label: "hangs", config: { hang: true } }]);
  host = await startWorkerHost(db, background.engine, "embedded", {
    tags: [],
    concurrency: 4,
    pollIntervalMs: 100,
    listen: true,
    leaseMs: 30_000,
    heartbeatIntervalMs: 100,
    graceMs: 1000,
    rescuerIntervalMs: 5000,
  });
  const context: ToolContext = { db: async () => db, log: (message, error) => logged.push([message, error]) };
  client = new Client({ name: "baton-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL("http://127.0.0.1/api/mcp"), {
      fetch: (url, init) => handleMcpPost(new Request(url, init), context),
    }),
  );
});

afterAll(async () => {
  await client?.close();
  await host?.stop();
  await background.settled();
  await db?.close();
});

async function call(name: string, args: Record<string, unknown> = {}) {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

function structured<T = Record<string, unknown>>(result: CallToolResult): T {
  expect(result.isError ?? false, textOf(result)).toBe(false);
  return result.structuredContent as T;
}

async function failingFlowId(): Promise<string> {
  const flow = await createFlowOrThrow(db, {
    name: "Write then check",
    inputs: [{ name: "task", required: true }],
    nodes: [
      {
        id: "write",
        kind: "agent",
        config: { profile: "demo", prompt: "{{inputs.task}}", workspace: "none", retries: 0, options: { failTimes: 1 } },
      },
      { id: "summarize", kind: "agent", config: { profile: "demo", prompt: "Summarize: {{steps.write.output}}", workspace: "none" } },
    ],
    edges: [{ from: "write", to: "summarize" }],
  });
  return flow.id;
}

describe("MCP over Streamable HTTP", () => {
  it("lists every tool with an input schema", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(TOOL_NAMES);
    for (const tool of tools) expect(tool.inputSchema.type).toBe("object");
    const createAgent = tools.find((tool) => tool.name === "create_agent");
    expect(createAgent?.inputSchema.required).toEqual(expect.arrayContaining(["title", "provider", "initialPrompt"]));
    const waitForAgent = tools.find((tool) => tool.name === "wait_for_agent");
    expect(Object.keys(waitForAgent?.outputSchema?.properties ?? {})).toEqual(expect.arrayContaining(["status", "lastMessage", "timedOut"]));
  });

  it("runs a flow, waits, re-runs the failed step, and the run is an ordinary one", async () => {
    const flowId = await failingFlowId();
    const listed = structured<{ flows: { flowId: string; inputs: { name: string }[] }[] }>(await call("list_flows"));
    expect(listed.flows.find((flow) => flow.flowId === flowId)?.inputs.map((input) => input.name)).toEqual(["task"]);

    const started = structured<{ runId: string; status: string }>(await call("run_flow", { flowId, inputs: { task: "add a README" } }));
    const progress: number[] = [];
    const waited = (await client.callTool({ name: "wait_for_run", arguments: { runId: started.runId, timeoutSec: 60 } }, undefined, {
      onprogress: (notification) => progress.push(notification.progress),
      resetTimeoutOnProgress: true,
    })) as CallToolResult;
    const failed = structured<{ status: string; timedOut: boolean; steps: { key: string; state: string; error: string | null }[] }>(waited);
    expect(failed).toMatchObject({ status: "failed", timedOut: false });
    expect(failed.steps.find((step) => step.key === "write")).toMatchObject({ state: "failed" });
    expect(failed.steps.find((step) => step.key === "write")?.error).toMatch(/scripted failure/);
    expect(failed.steps.find((step) => step.key === "summarize")?.state).toBe("skipped");
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1]);

    structured(await call("rerun_step", { runId: started.runId, stepId: "write" }));
    const rerun = structured<{ status: string; steps: { key: string; state: string; attempt: number; output: string | null }[] }>(
      await call("wait_for_run", { runId: started.runId, timeoutSec: 60 }),
    );
    expect(rerun.status).toBe("succeeded");
    expect(rerun.steps.find((step) => step.key === "write")).toMatchObject({ state: "succeeded", attempt: 2 });
    // The downstream step ran on the re-run's output: its prompt rendered the new upstream reply.
    expect(rerun.steps.find((step) => step.key === "summarize")?.output).toContain("Task: Summarize: Demo agent reply");

    const { runs } = await listRuns(db.orm, { flow: flowId });
    expect(runs.map((run) => run.id)).toContain(started.runId);
  });

  it("says timedOut explicitly when a wait runs out, and cancels a run", async () => {
    const agent = structured<{ agentId: string }>(
      await call("create_agent", { title: "Hang around", provider: "demo-hang", initialPrompt: "wait forever" }),
    );
    const progress: { progress: number; total?: number; message?: string }[] = [];
    const waited = structured<{ timedOut: boolean; status: string; waitedSec: number }>(
      (await client.callTool({ name: "wait_for_run", arguments: { runId: agent.agentId, timeoutSec: 3 } }, undefined, {
        onprogress: (notification) => progress.push(notification),
      })) as CallToolResult,
    );
    expect(waited.timedOut).toBe(true);
    expect(waited.waitedSec).toBeGreaterThanOrEqual(3);
    expect(["pending", "running"]).toContain(waited.status);
    // A 3 s wait with a progress token reports progress (at most once a second), increasing.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toMatchObject({ total: 3, message: expect.stringContaining(agent.agentId) });
    for (let i = 1; i < progress.length; i++) expect(progress[i].progress).toBeGreaterThan(progress[i - 1].progress);
    structured(await call("cancel_run", { runId: agent.agentId }));
    const ended = structured<{ status: string; timedOut: boolean }>(await call("wait_for_run", { runId: agent.agentId, timeoutSec: 60 }));
    expect(ended).toMatchObject({ status: "canceled", timedOut: false });
  });

  it("creates an agent, waits for its last message, lists and archives it", async () => {
    const providers = structured<{ providers: { provider: string }[] }>(await call("list_providers"));
    expect(providers.providers.map((p) => p.provider)).toContain("demo");

    const created = structured<{ agentId: string; status: string }>(
      await call("create_agent", { title: "Explain", provider: "demo", initialPrompt: "Explain the repository layout" }),
    );
    const done = structured<{ status: string; lastMessage: string; timedOut: boolean }>(
      await call("wait_for_agent", { agentId: created.agentId, timeoutSec: 60 }),
    );
    expect(done).toMatchObject({ status: "idle", timedOut: false });
    expect(done.lastMessage.length).toBeGreaterThan(0);

    const status = structured<{ status: string; runStatus: string }>(await call("get_agent_status", { agentId: created.agentId }));
    expect(status).toMatchObject({ status: "idle", runStatus: "succeeded" });

    const listed = structured<{ agents: { agentId: string }[] }>(await call("list_agents"));
    expect(listed.agents.map((a) => a.agentId)).toContain(created.agentId);
    structured(await call("archive_agent", { agentId: created.agentId }));
    const after = structured<{ agents: { agentId: string }[] }>(await call("list_agents"));
    expect(after.agents.map((a) => a.agentId)).not.toContain(created.agentId);

    // An agent is an ordinary run: the run service knows it, with origin "mcp".
    const { runs } = await listRuns(db.orm, {});
    expect(runs.find((run) => run.id === created.agentId)).toMatchObject({ origin: "mcp" });
  });

  it("cancels a running agent", async () => {
    const created = structured<{ agentId: string }>(await call("create_agent", { title: "Stuck", provider: "demo-hang", initialPrompt: "hang" }));
    structured(await call("cancel_agent", { agentId: created.agentId }));
    const done = structured<{ status: string; timedOut: boolean }>(await call("wait_for_agent", { agentId: created.agentId, timeoutSec: 60 }));
    expect(done).toMatchObject({ status: "closed", timedOut: false });
  });

  it("confines create_agent's cwd and run_flow's repo to git repositories inside BATON_REPO_ROOTS", async () => {
    const roots = fs.mkdtempSync(path.join(os.tmpdir(), "baton-mcp-roots-"));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "baton-mcp-outside-"));
    try {
      const inside = await ensureExampleRepo(roots);
      const elsewhere = await ensureExampleRepo(outside);
      fs.mkdirSync(path.join(roots, "plain"));
      vi.stubEnv("BATON_REPO_ROOTS", roots);
      const refused = ["relative/dir", path.join(roots, "missing"), path.join(roots, "plain"), elsewhere, `${roots}/../${path.basename(outside)}/example-repo`];
      for (const cwd of refused) {
        const result = await call("create_agent", { title: "confined", provider: "demo", initialPrompt: "x", cwd });
        expect(result.isError, cwd).toBe(true);
        expect(textOf(result)).toMatch(/^repo: /);
        const flowId = await failingFlowId();
        const run = await call("run_flow", { flowId, inputs: { task: "x" }, repo: cwd });
        expect(run.isError, cwd).toBe(true);
      }
      const agent = structured<{ agentId: string; cwd: string }>(
        await call("create_agent", { title: "In a repo", provider: "demo", initialPrompt: "edit something", cwd: inside }),
      );
      expect(agent.cwd).toBe(fs.realpathSync(inside));
      expect(structured(await call("wait_for_agent", { agentId: agent.agentId, timeoutSec: 60 }))).toMatchObject({ status: "idle" });
    } finally {
      vi.unstubAllEnvs();
      fs.rmSync(roots, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it("get_run includes the run's result: final commit, stats against the base, and what a merge would do", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-mcp-result-"));
    try {
      const repo = await ensureExampleRepo(dir);
      const flow = await createFlowOrThrow(db, EXAMPLE_FLOW);
      const started = structured<{ runId: string }>(await call("run_flow", { flowId: flow.id, inputs: { task: "Add a greeting" }, repo }));
      structured(await call("wait_for_run", { runId: started.runId, timeoutSec: 60 }));
      const got = await call("get_run", { runId: started.runId });
      const run = structured<{ status: string; steps: Array<{ key: string; resultCommit: string | null }>; result: Record<string, unknown> }>(got);
      expect(run.status).toBe("succeeded");
      const summary = run.steps.find((s) => s.key === "summary")!;
      expect(run.result).toMatchObject({
        state: "ready",
        partial: false,
        commit: summary.resultCommit,
        merge: { into: "main", state: "fast-forward" },
        fullDiff: `/api/runs/${started.runId}/result`,
      });
      expect(run.result).not.toHaveProperty("diff");
      expect((run.result.stats as { files: number }).files).toBe(2);
      expect(textOf(got)).toContain(`result: ${summary.resultCommit} +`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("review_step answers an approval: request changes sends comments to the upstream step, reject fails the run", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-mcp-review-"));
    try {
      const repo = await ensureExampleRepo(dir);
      const flow = await createFlowOrThrow(db, {
        name: "Gated",
        inputs: [],
        nodes: [
          { id: "write", kind: "agent", config: { profile: "demo", prompt: "write it", workspace: "code" } },
          { id: "gate", kind: "approval", config: {} },
        ],
        edges: [{ from: "write", to: "gate" }],
      });
      const { runId } = structured<{ runId: string }>(await call("run_flow", { flowId: flow.id, repo }));
      const settled = async (attempt: number) => {
        for (let i = 0; i < 600; i++) {
          const run = await getRunOrThrow(db.orm, runId);
          if (run.status === "waiting" && run.steps.find((s) => s.key === "write")?.attempt === attempt) return run;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`run ${runId} never waited at attempt ${attempt}`);
      };
      const view = await settled(1);
      const file = view.steps.find((s) => s.key === "write")!.diff!.match(/\+\+\+ b\/(\S+)/)![1];
      const badPath = await call("review_step", { runId, stepId: "gate", decision: "request-changes", comments: [{ path: "nope", line: 1, body: "x" }] });
      expect(badPath.isError).toBe(true);
      expect(textOf(badPath)).toContain("comments[0].path");
      structured(await call("review_step", { runId, stepId: "gate", decision: "request-changes", comments: [{ path: file, line: 1, body: "Better title" }] }));
      const again = await settled(2);
      expect(again.steps.find((s) => s.key === "write")?.prompt).toContain("> Better title");
      const rejected = structured<{ status: string; error: string }>(await call("review_step", { runId, stepId: "gate", decision: "reject", reason: "not today" }));
      expect(rejected).toMatchObject({ status: "failed", error: 'step "gate" failed: rejected: not today' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers bad arguments and unknown ids with isError naming the problem", async () => {
    const badProvider = await call("create_agent", { title: "x", provider: "No Such", initialPrompt: "y" });
    expect(badProvider.isError).toBe(true);
    expect(textOf(badProvider)).toMatch(/provider/);

    const unknownProfile = await call("create_agent", { title: "x", provider: "nope/model", initialPrompt: "y" });
    expect(unknownProfile.isError).toBe(true);
    expect(textOf(unknownProfile)).toMatch(/unknown agent profile "nope"/);

    const missing = await call("get_run", { runId: "run_does_not_exist" });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/not found/);

    const invalid = await call("wait_for_run", { runId: "x", timeoutSec: -5 });
    expect(invalid.isError).toBe(true);

    const notAgent = await call("wait_for_agent", { agentId: "run_does_not_exist" });
    expect(notAgent.isError).toBe(true);
    expect(logged).toEqual([]);
  });
});
