/**
 * The `acp` backend: one agent process per task, driven over stdio with the ACP SDK.
 *
 * Lifecycle: spawn (own process group) → initialize → session/new {cwd} → [set_mode] →
 * session/prompt → result. Cancel (signal) and timeout (watchdog) both send session/cancel
 * and give the agent `cancelGraceMs` to answer `cancelled` before the group is killed. The
 * process group is always terminated when the task ends, however it ends.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as acp from "@agentclientprotocol/sdk";
import { resolveProfileEnv } from "../../profiles/env";
import { withSecretRedaction } from "../../profiles/secrets";
import { childEnv } from "../../process/child-env";
import { describeExit, LineSplitter, requireDirectoryOrThrow, signalGroup, spawnGroup, TailBuffer, terminateGroup, type ExitInfo, type GroupProcess } from "../command/process-group";
import { AgentError, type AgentBackend, type AgentEvent, type AgentResult, type AgentTask, type Usage } from "../types";
import { acpAvailability } from "./availability";
import { createClientApp } from "./client-app";
import { acpConfigSchema, type AcpConfig } from "./config";
import { realRoot } from "./confine";
import { chooseModel } from "./select-model";
import { connectStdio, exitWithin, initializeParams, isAuthRequired, isJsonRpcError } from "./stdio";
import { mapPromptUsage, mapStopReason, mergeUsage } from "./map-session-update";

export function parseAcpConfigOrThrow(options: Record<string, unknown>): AcpConfig {
  const parsed = acpConfigSchema.safeParse(options);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; ");
    throw new AgentError("invalid", `invalid acp config: ${detail}`);
  }
  return parsed.data;
}

/** Thrown inside `run` when cancel/timeout ended the process; turned into the result. */
class Stopped extends Error {}

function crashError(info: ExitInfo, stderr: string, phase: string, spawnError?: Error): AgentError {
  if (spawnError) {
    return new AgentError("unavailable", `could not start the agent: ${spawnError.message}`, { stderrTail: stderr });
  }
  const tail = stderr.trim().split("\n").slice(-5).join("\n");
  return new AgentError("crash", `agent ${describeExit(info)} during ${phase}${tail ? `; stderr: ${tail}` : ""}`, {
    exitCode: info.code,
    signal: info.signal,
    stderrTail: stderr,
  });
}

/** The error's message plus its JSON-RPC `data` (where agents put the actual reason). */
export function messageOf(error: unknown): string {
  const message =
    error instanceof Error ? error.message : typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
  if (typeof error !== "object" || error === null || !("data" in error) || error.data == null) return message;
  const data = error.data;
  const detail = typeof data === "string" ? data : typeof data === "object" && "details" in data ? String(data.details) : JSON.stringify(data);
  return detail && !message.includes(detail) ? `${message}: ${detail.slice(0, 500)}` : message;
}

async function runAcp(task: AgentTask): Promise<AgentResult> {
  const config = parseAcpConfigOrThrow(task.options);
  const tempDir = task.cwd ? null : await fs.mkdtemp(path.join(os.tmpdir(), "baton-acp-"));
  if (task.cwd) await requireDirectoryOrThrow(task.cwd);
  const root = await realRoot(task.cwd ?? tempDir!);

  let output = "";
  let usage: Usage = {};
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    chain = chain.then(work).catch((error) => console.error("[baton] acp event delivery failed:", error));
  };
  const deliver = async (event: AgentEvent) => {
    if (event.type === "text-chunk") output += event.text;
    if (event.type === "usage-report") usage = mergeUsage(usage, event.usage);
    await task.onEvent(event);
  };

  const env = childEnv({ ...resolveProfileEnv(config, process.env), ...task.env });
  const proc = spawnGroup(config.command, { cwd: root, env });
  const stderr = new TailBuffer();
  const stderrLines = new LineSplitter((line) => enqueue(() => deliver({ type: "log-line", stream: "stderr", text: line })));
  proc.child.stderr?.setEncoding("utf8");
  proc.child.stderr?.on("data", (chunk: string) => {
    stderr.push(chunk);
    stderrLines.push(chunk);
  });

  let stopping: null | "cancel" | "timeout" = null;
  let sessionId: string | null = null;
  let prompting = false;
  let graceTimer: NodeJS.Timeout | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  let phase = "initialize";

  const app = createClientApp({ root, policy: config.permissionPolicy, stopping: () => stopping !== null, enqueue, deliver });
  const connection = app.connect(connectStdio(proc));

  const sendCancelThenKill = () => {
    if (sessionId) connection.agent.notify(acp.methods.agent.session.cancel, { sessionId }).catch(() => {});
    graceTimer = setTimeout(() => signalGroup(proc.child, "SIGKILL"), config.cancelGraceMs);
  };
  const stop = (kind: "cancel" | "timeout") => {
    if (stopping) return;
    stopping = kind;
    enqueue(() => deliver({ type: "log-line", stream: "info", text: kind === "timeout" ? `timed out after ${task.timeoutMs} ms; cancelling` : "cancel requested" }));
    // Before the prompt there is no turn to cancel politely: end the process at once.
    if (prompting) sendCancelThenKill();
    else signalGroup(proc.child, "SIGKILL");
  };
  const onAbort = () => stop("cancel");
  if (task.signal.aborted) onAbort();
  else task.signal.addEventListener("abort", onAbort, { once: true });
  if (task.timeoutMs) watchdog = setTimeout(() => stop("timeout"), task.timeoutMs);

  /** Races one request against the process ending; maps failures to AgentError. */
  const step = async <T>(request: () => Promise<T>): Promise<T> => {
    if (stopping && !prompting) throw new Stopped();
    const exited = proc.exited.then((info) => ({ exited: info }));
    let outcome: { value: T } | { exited: ExitInfo } | { error: unknown };
    try {
      outcome = await Promise.race([request().then((value) => ({ value })), exited]);
    } catch (error) {
      // A JSON-RPC error answer is the agent's word: a protocol error. Anything else is the
      // connection closing under us; if the process is going down, report the exit instead.
      const info = isJsonRpcError(error) ? null : await exitWithin(proc, 1500);
      outcome = info ? { exited: info } : { error };
    }
    if ("value" in outcome) return outcome.value;
    if (stopping) throw new Stopped();
    if ("exited" in outcome) throw crashError(outcome.exited, stderr.toString(), phase, proc.spawnError());
    if (isAuthRequired(outcome.error)) {
      // Retrying can't help until someone logs the agent in: not a protocol failure.
      throw new AgentError("unavailable", `the agent needs authentication (${phase}): ${messageOf(outcome.error)}; log in with its CLI first`, { stderrTail: stderr.toString() });
    }
    throw new AgentError("protocol", `${phase} failed: ${messageOf(outcome.error)}`, { stderrTail: stderr.toString() });
  };

  const finish = async (): Promise<void> => {
    await chain;
    stderrLines.flush();
    await chain;
  };

  try {
    await step(() => connection.agent.request(acp.methods.agent.initialize, initializeParams()));
    phase = "session/new";
    const session = await step(() => connection.agent.request(acp.methods.agent.session.new, { cwd: root, mcpServers: [] }));
    sessionId = session.sessionId;
    if (task.model) {
      const choice = chooseModel(session.configOptions, task.model);
      if (choice.kind === "unknown") {
        throw new AgentError("invalid", `the agent doesn't offer model ${task.model}; it offers: ${choice.available.join(", ") || "(none)"}`);
      }
      if (choice.kind === "unsupported") {
        enqueue(() => deliver({ type: "log-line", stream: "info", text: `the agent offers no model choice; model ${task.model} ignored, using its default` }));
      } else {
        phase = "session/set_config_option";
        await step(() =>
          connection.agent.request(acp.methods.agent.session.setConfigOption, { sessionId: session.sessionId, configId: choice.configId, value: choice.value }),
        );
      }
    }
    if (config.mode) {
      phase = "session/set_mode";
      await step(() => connection.agent.request(acp.methods.agent.session.setMode, { sessionId: session.sessionId, modeId: config.mode! }));
    }
    phase = "session/prompt";
    prompting = true;
    if (stopping) sendCancelThenKill();
    const response = await step(() =>
      connection.agent.request(acp.methods.agent.session.prompt, { sessionId: session.sessionId, prompt: [{ type: "text", text: task.prompt }] }),
    );
    usage = mergeUsage(usage, mapPromptUsage(response));
    await finish();
    if (stopping === "timeout") throw new Stopped();
    return { output, stopReason: stopping ? "cancelled" : mapStopReason(response.stopReason), usage };
  } catch (error) {
    if (!(error instanceof Stopped)) {
      await finish();
      throw error;
    }
    await finish();
    if (stopping === "timeout") {
      throw new AgentError("timeout", `agent gave no result within ${task.timeoutMs} ms`, { stderrTail: stderr.toString() });
    }
    return { output, stopReason: "cancelled", usage };
  } finally {
    clearTimeout(graceTimer);
    clearTimeout(watchdog);
    task.signal.removeEventListener("abort", onAbort);
    connection.close();
    await terminateGroup(proc, 1000);
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  }
}

export const acpBackend: AgentBackend = {
  id: "acp",
  run: withSecretRedaction(runAcp),
  availability: acpAvailability,
};
