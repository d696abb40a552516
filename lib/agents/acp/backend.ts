/**
 * The `acp` backend: one agent process per task, driven over stdio with the ACP SDK.
 *
 * Lifecycle: spawn (own process group) → initialize → [authenticate] → session/new {cwd} →
 * [model] → [set_mode] → session/prompt → result (open-session.ts has the part before the
 * prompt); with `task.followUp`, more session/prompt turns in the same session, each with its
 * own timeout. Cancel (signal) and timeout (watchdog) during a turn send session/cancel
 * naming the session whose prompt is pending, and give the agent `cancelGraceMs` to answer
 * `cancelled` before the group is killed. With no turn pending — before the first prompt, or
 * between follow-up turns (a fix loop's commit and check) — there is nothing for
 * session/cancel to cancel (ACP: it ends the pending prompt turn), so none is sent and the
 * process ends at once. The process group is always terminated when the task ends, however
 * it ends.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as acp from "@agentclientprotocol/sdk";
import { resolveProfileEnv } from "../../profiles/env";
import { withSecretRedaction } from "../../profiles/secrets";
import { childEnv } from "../../process/child-env";
import { describeExit, LineSplitter, requireDirectoryOrThrow, signalGroup, spawnGroup, TailBuffer, terminateGroup, type ExitInfo, type GroupProcess } from "../command/process-group";
import { AgentError, type AgentBackend, type AgentResult, type AgentTask, type Usage } from "../types";
import { acpAvailability } from "./availability";
import { createClientApp } from "./client-app";
import { acpConfigSchema, type AcpConfig } from "./config";
import { realRoot } from "./confine";
import { FinalAnswer } from "./final-answer";
import { messageOf } from "./messages";
export { messageOf };
import { openSession } from "./open-session";
import { connectStdio, exitWithin, isAuthRequired, isJsonRpcError } from "./stdio";
import { addUsage, mapPromptUsage, mapStopReason, mergeUsage, type MappedUpdate } from "./map-session-update";

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
    const program = (spawnError as NodeJS.ErrnoException & { path?: string }).path ?? "the agent";
    const why = (spawnError as NodeJS.ErrnoException).code === "ENOENT" ? `${program} not found${program.includes("/") ? "" : " on PATH"}` : spawnError.message;
    return new AgentError("unavailable", `could not start the agent: ${why}`, { stderrTail: stderr });
  }
  const tail = stderr.trim().split("\n").slice(-5).join("\n");
  return new AgentError("crash", `agent ${describeExit(info)} during ${phase}${tail ? `; stderr: ${tail}` : ""}`, {
    exitCode: info.code,
    signal: info.signal,
    stderrTail: stderr,
  });
}

/** Why the task's signal aborted: the worker's step timeout aborts with a TimeoutError. */
function abortKind(signal: AbortSignal): "cancel" | "timeout" {
  const reason: unknown = signal.reason;
  return typeof reason === "object" && reason !== null && (reason as { name?: unknown }).name === "TimeoutError" ? "timeout" : "cancel";
}

async function runAcp(task: AgentTask): Promise<AgentResult> {
  const config = parseAcpConfigOrThrow(task.options);
  const tempDir = task.cwd ? null : await fs.mkdtemp(path.join(os.tmpdir(), "baton-acp-"));
  if (task.cwd) await requireDirectoryOrThrow(task.cwd);
  const root = await realRoot(task.cwd ?? tempDir!);

  let answer = new FinalAnswer();
  let usage: Usage = {};
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    chain = chain.then(work).catch((error) => console.error("[baton] acp event delivery failed:", error));
  };
  const deliver = async (event: MappedUpdate) => {
    if (event.type === "usage-add") {
      usage = addUsage(usage, event.usage);
      return task.onEvent({ type: "usage-report", usage });
    }
    if (event.type === "text-chunk") answer.text(event.text);
    if (event.type === "tool-call") answer.toolCall();
    if (event.type === "usage-report") {
      usage = mergeUsage(usage, event.usage);
      return task.onEvent({ type: "usage-report", usage });
    }
    await task.onEvent(event);
  };
  const info = (text: string) => enqueue(() => deliver({ type: "log-line", stream: "info", text }));

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
  let replaying = false;
  /** The turn whose session/prompt is pending: the only time session/cancel has something to end. */
  let turn: { sessionId: string } | null = null;
  let graceTimer: NodeJS.Timeout | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  let startWatchdog: NodeJS.Timeout | undefined;
  let slowStart = false;
  let phase = "initialize";
  const spawnedAt = performance.now();

  const app = createClientApp({
    root,
    policy: config.permissionPolicy,
    stopping: () => stopping !== null,
    enqueue,
    deliver,
    replaying: () => replaying,
    ...(task.mcpHttp ? { ownMcpTools: { server: task.mcpHttp.name, tools: task.mcpHttp.tools } } : {}),
  });
  const connection = app.connect(connectStdio(proc));

  const stop = (kind: "cancel" | "timeout") => {
    if (stopping) return;
    stopping = kind;
    info(kind === "timeout" ? `timed out after ${task.timeoutMs ?? "the step's"} ms; stopping the agent` : "cancel requested");
    if (turn) {
      // A turn is pending: ask its session to stop, then kill the group after the grace.
      connection.agent.notify(acp.methods.agent.session.cancel, { sessionId: turn.sessionId }).catch(() => {});
      graceTimer = setTimeout(() => signalGroup(proc.child, "SIGKILL"), config.cancelGraceMs);
    } else {
      // Before the first prompt or between turns there is no turn to cancel politely.
      signalGroup(proc.child, "SIGKILL");
    }
  };
  const onAbort = () => stop(abortKind(task.signal));
  if (task.signal.aborted) onAbort();
  else task.signal.addEventListener("abort", onAbort, { once: true });
  if (task.timeoutMs) watchdog = setTimeout(() => stop("timeout"), task.timeoutMs);
  startWatchdog = setTimeout(() => {
    slowStart = true;
    signalGroup(proc.child, "SIGKILL");
  }, config.startTimeoutMs);

  /** Races one request against the process ending; maps failures to AgentError. */
  const send = async <T>(name: string, request: () => Promise<T>): Promise<T> => {
    phase = name;
    // Nothing new is asked of an agent that is being stopped.
    if (stopping) throw new Stopped();
    const exited = proc.exited.then((exit) => ({ exited: exit }));
    let outcome: { value: T } | { exited: ExitInfo } | { error: unknown };
    try {
      outcome = await Promise.race([request().then((value) => ({ value })), exited]);
    } catch (error) {
      // A JSON-RPC error answer is the agent's word: a protocol error. Anything else is the
      // connection closing under us; if the process is going down, report the exit instead.
      const exit = isJsonRpcError(error) ? null : await exitWithin(proc, 1500);
      outcome = exit ? { exited: exit } : { error };
    }
    if ("value" in outcome) return outcome.value;
    if (stopping) throw new Stopped();
    if (slowStart) {
      const took = Math.round(performance.now() - spawnedAt);
      throw new AgentError("timeout", `the agent did not finish starting (${phase}) within ${config.startTimeoutMs} ms (stopped after ${took} ms)`, {
        startTimeoutMs: config.startTimeoutMs,
        tookMs: took,
        stderrTail: stderr.toString(),
      });
    }
    if ("exited" in outcome) throw crashError(outcome.exited, stderr.toString(), phase, proc.spawnError());
    if (isAuthRequired(outcome.error)) {
      // Retrying can't help until the profile gets credentials: not a protocol failure.
      throw new AgentError("unavailable", `the agent needs authentication (${phase}): ${messageOf(outcome.error)}; set its API key in the profile's env (as a $VAR reference) or log in with its CLI`, {
        stderrTail: stderr.toString(),
      });
    }
    throw new AgentError("protocol", `${phase} failed: ${messageOf(outcome.error)}`, { stderrTail: stderr.toString() });
  };

  const finish = async (): Promise<void> => {
    await chain;
    stderrLines.flush();
    await chain;
  };

  try {
    const session = await openSession({
      connection,
      config,
      cwd: root,
      ...(task.model ? { model: task.model } : {}),
      ...(task.resume ? { resume: task.resume.sessionId } : {}),
      ...(task.mcpHttp ? { mcpHttp: task.mcpHttp } : {}),
      onReplay: (on) => (replaying = on),
      env,
      send,
      log: info,
    });
    let promptText = session.loaded && task.resume ? task.resume.prompt : task.prompt;
    clearTimeout(startWatchdog);
    // One turn per prompt, all in this session: a follow-up (task.followUp) is the next turn.
    for (;;) {
      const text = promptText;
      // send() refuses when stopping, so a turn only begins while the task still runs.
      let response: acp.PromptResponse;
      try {
        response = await send("session/prompt", () => {
          turn = { sessionId: session.sessionId };
          return connection.agent.request(acp.methods.agent.session.prompt, { sessionId: session.sessionId, prompt: [{ type: "text", text }] });
        });
      } finally {
        turn = null;
      }
      await finish();
      const reported = mapPromptUsage(response);
      if (Object.keys(reported).length > 0) usage = mergeUsage(usage, reported);
      if (stopping === "timeout") throw new Stopped();
      const result: AgentResult = {
        output: answer.toString(),
        stopReason: stopping ? "cancelled" : mapStopReason(response.stopReason),
        usage,
        sessionId: session.sessionId,
        sessionLoaded: session.loaded,
      };
      if (!task.followUp || result.stopReason === "cancelled") return result;
      // Between turns the caller works (a fix loop's check): no turn is running to time out.
      clearTimeout(watchdog);
      const next = await task.followUp(result);
      if (stopping) throw new Stopped();
      if (next === null) return result;
      answer = new FinalAnswer();
      if (task.timeoutMs) watchdog = setTimeout(() => stop("timeout"), task.timeoutMs);
      promptText = next;
    }
  } catch (error) {
    await finish();
    if (!(error instanceof Stopped)) throw error;
    if (stopping === "timeout") {
      throw new AgentError("timeout", `timed out: the agent gave no result within ${task.timeoutMs} ms`, { stderrTail: stderr.toString() });
    }
    return { output: answer.toString(), stopReason: "cancelled", usage };
  } finally {
    clearTimeout(graceTimer);
    clearTimeout(watchdog);
    clearTimeout(startWatchdog);
    task.signal.removeEventListener("abort", onAbort);
    // Stop the group while its stdout is still read, then close: an agent that writes as it
    // shuts down must not meet a closed pipe (qwen printed ~30 lines of EPIPE traces per
    // step when the pipe was closed first). Its last stderr lines are delivered before return.
    await terminateGroup(proc, 1000);
    connection.close();
    stderrLines.flush();
    await chain;
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  }
}

export const acpBackend: AgentBackend = {
  id: "acp",
  connectsMcpHttp: true,
  continuesTurns: true,
  run: withSecretRedaction(runAcp),
  availability: acpAvailability,
};
