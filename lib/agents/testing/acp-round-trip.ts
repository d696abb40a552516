/**
 * Bench helper: ACP overhead with the fake agent (for `npm run bench`).
 *
 * - perPrompt: one agent process kept open; time from sending `session/prompt` (an empty
 *   script: one message chunk) to its result — the protocol + SDK cost per prompt.
 * - perTask: the acp backend's whole task (spawn under tsx, initialize, session/new,
 *   prompt, kill the group) — what a step pays; dominated by process start-up.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as acp from "@agentclientprotocol/sdk";
import { acpBackend } from "../acp/backend";
import { connectStdio, initializeParams } from "../acp/stdio";
import { spawnGroup, terminateGroup } from "../command/process-group";
import { fakeAgentCommand } from "./fake-acp";

export interface Percentiles {
  p50: number;
  p95: number;
  n: number;
}

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), n: sorted.length };
}

export async function measureAcpPerPrompt(samples = 200): Promise<Percentiles> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "baton-acp-bench-"));
  const proc = spawnGroup(fakeAgentCommand({ steps: [{ op: "chunk", text: "ok" }] }), { cwd, env: process.env });
  const connection = acp.client({ name: "baton-bench" }).onNotification(acp.methods.client.session.update, () => {}).connect(connectStdio(proc));
  try {
    await connection.agent.request(acp.methods.agent.initialize, initializeParams());
    const { sessionId } = await connection.agent.request(acp.methods.agent.session.new, { cwd, mcpServers: [] });
    const times: number[] = [];
    for (let i = 0; i < samples + 10; i++) {
      const start = performance.now();
      await connection.agent.request(acp.methods.agent.session.prompt, { sessionId, prompt: [{ type: "text", text: "go" }] });
      if (i >= 10) times.push(performance.now() - start); // the first prompts warm the JIT
    }
    return percentiles(times);
  } finally {
    connection.close();
    await terminateGroup(proc, 500);
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

export async function measureAcpPerTask(samples = 10): Promise<Percentiles> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "baton-acp-bench-"));
  const command = fakeAgentCommand({ steps: [{ op: "chunk", text: "ok" }] });
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const start = performance.now();
      await acpBackend.run({ prompt: "go", cwd, env: {}, signal: new AbortController().signal, options: { command }, attempt: 1, onEvent: () => {} });
      times.push(performance.now() - start);
    }
    return percentiles(times);
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}
