/**
 * The `command` backend: a one-shot CLI (`claude -p`, `codex exec`, `aider --message`) run
 * with an argv array — never through a shell — in its own process group. The prompt goes
 * to stdin or into the `{prompt}` placeholder of an argument; stdout streams as text, stderr
 * as log lines; the exit code decides success.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { resolveProfileEnv } from "../../profiles/env";
import { childEnv } from "../../process/child-env";
import { withSecretRedaction } from "../../profiles/secrets";
import { AgentError, type AgentBackend, type AgentResult, type AgentTask } from "../types";
import { commandConfigSchema, type CommandConfig } from "./config";
import { findExecutable } from "./find-executable";
import { describeExit, LineSplitter, requireDirectoryOrThrow, spawnGroup, TailBuffer, terminateGroup } from "./process-group";

export function parseCommandConfigOrThrow(options: Record<string, unknown>): CommandConfig {
  const parsed = commandConfigSchema.safeParse(options);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; ");
    throw new AgentError("invalid", `invalid command config: ${detail}`);
  }
  return parsed.data;
}

/** Pure: the argv with `{prompt}` substituted (argv mode) or untouched (stdin mode). */
export function buildArgv(config: CommandConfig, prompt: string): string[] {
  if (config.promptVia !== "argv") return config.command;
  return config.command.map((arg, i) => (i === 0 ? arg : arg.split("{prompt}").join(prompt)));
}

async function runCommand(task: AgentTask): Promise<AgentResult> {
  const config = parseCommandConfigOrThrow(task.options);
  if (task.cwd) await requireDirectoryOrThrow(task.cwd);
  const tempDir = task.cwd ? null : await fs.mkdtemp(path.join(os.tmpdir(), "baton-command-"));
  const cwd = task.cwd ?? tempDir!;
  const env = childEnv({ ...resolveProfileEnv(config, process.env), ...task.env });
  const proc = spawnGroup(buildArgv(config, task.prompt), { cwd, env });

  let output = "";
  const stderrTail = new TailBuffer();
  let chain: Promise<void> = Promise.resolve();
  // Events are delivered in arrival order even if the consumer's onEvent is async.
  const emit = (event: Parameters<AgentTask["onEvent"]>[0]) => {
    chain = chain.then(() => task.onEvent(event)).catch((error) => console.error("[baton] command event delivery failed:", error));
  };
  const stderrLines = new LineSplitter((text) => emit({ type: "log-line", stream: "stderr", text }));
  proc.child.stdout?.setEncoding("utf8");
  proc.child.stdout?.on("data", (chunk: string) => {
    output += chunk;
    emit({ type: "text-chunk", text: chunk });
  });
  proc.child.stderr?.setEncoding("utf8");
  proc.child.stderr?.on("data", (chunk: string) => {
    stderrTail.push(chunk);
    stderrLines.push(chunk);
  });
  proc.child.stdin?.on("error", () => {});
  if (config.promptVia === "stdin") proc.child.stdin?.end(task.prompt);
  else proc.child.stdin?.end();

  let stopping: null | "cancel" | "timeout" = null;
  const stop = (kind: "cancel" | "timeout") => {
    if (stopping) return;
    stopping = kind;
    void terminateGroup(proc, config.killGraceMs);
  };
  const onAbort = () => stop("cancel");
  if (task.signal.aborted) onAbort();
  else task.signal.addEventListener("abort", onAbort, { once: true });
  const watchdog = task.timeoutMs ? setTimeout(() => stop("timeout"), task.timeoutMs) : undefined;

  try {
    const exit = await proc.exited;
    stderrLines.flush();
    await chain;
    const spawnError = proc.spawnError();
    if (spawnError) throw new AgentError("unavailable", `could not start ${config.command[0]}: ${spawnError.message}`);
    if (stopping === "timeout") {
      throw new AgentError("timeout", `command gave no result within ${task.timeoutMs} ms`, { stderrTail: stderrTail.toString() });
    }
    if (stopping === "cancel") return { output, stopReason: "cancelled", usage: {} };
    if (exit.code !== 0) {
      const tail = stderrTail.toString().trim().split("\n").slice(-5).join("\n");
      throw new AgentError("exit", `command ${describeExit(exit)}${tail ? `; stderr: ${tail}` : ""}`, {
        exitCode: exit.code,
        signal: exit.signal,
        stderrTail: stderrTail.toString(),
      });
    }
    return { output, stopReason: "end_turn", usage: {} };
  } finally {
    clearTimeout(watchdog);
    task.signal.removeEventListener("abort", onAbort);
    // Children the CLI left behind in its group don't outlive the step.
    await terminateGroup(proc, 0);
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  }
}

async function commandAvailability(raw: Record<string, unknown>) {
  const parsed = commandConfigSchema.safeParse(raw);
  if (!parsed.success) return { available: false, reason: `invalid config: ${parsed.error.issues[0]?.message ?? "unknown"}` };
  const program = parsed.data.command[0];
  const found = await findExecutable(program);
  return found
    ? { available: true, reason: `${program} found at ${found}` }
    : { available: false, reason: `${program} not found${program.includes("/") ? "" : " on PATH"}` };
}

export const commandBackend: AgentBackend = {
  id: "command",
  run: withSecretRedaction(runCommand),
  availability: commandAvailability,
};
