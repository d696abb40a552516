/**
 * The demo backend: offline and deterministic, so a new user can run the example flow
 * without an API key and tests can script successes, failures, hangs and timeouts.
 *
 * Options (node `options` merged over the profile config):
 * - delayMs: pause after each streamed chunk (default 0);
 * - chunks: how many text chunks the reply streams in (default 4);
 * - text: reply with this text instead of the derived one;
 * - failTimes: throw AgentError("scripted") while `attempt <= failTimes`;
 * - hang: stream one chunk, then wait until aborted (stopReason "cancelled") or timed out.
 * With a cwd it writes demo-<digest>.md there and reports the edit as a tool call.
 * Follow-ups (AgentTask.followUp) are further turns of the same conversation: each turn
 * streams, writes its own file (named after its prompt) and says which turn it is.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { AgentError, type AgentBackend, type AgentResult, type AgentTask, type Usage } from "../types";
import { demoOptionsSchema, type DemoOptions } from "./config";
import { demoFileContent, demoFileName, demoReply, splitChunks, tokenCount } from "./reply";
import { pause } from "../../process/pause";

function parseOptionsOrThrow(options: Record<string, unknown>): DemoOptions {
  const parsed = demoOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AgentError("invalid", `demo options: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

async function run(task: AgentTask): Promise<AgentResult> {
  const options = parseOptionsOrThrow(task.options);
  task.onEvent({ type: "log-line", stream: "info", text: `demo agent: attempt ${task.attempt}` });
  if (options.failTimes !== undefined && task.attempt <= options.failTimes) {
    throw new AgentError(
      "scripted",
      `demo agent: scripted failure on attempt ${task.attempt} (failTimes: ${options.failTimes})`,
      { attempt: task.attempt, failTimes: options.failTimes },
    );
  }
  // Follow-ups are more turns of one conversation: each turn's reply says how many came before.
  let prompt = task.prompt;
  let before: Usage = {};
  for (let turnNumber = 1; ; turnNumber++) {
    const result = await turn(task, options, prompt, turnNumber, before);
    before = result.usage;
    if (!task.followUp || result.stopReason === "cancelled") return result;
    const next = await task.followUp(result);
    if (next === null) return result;
    prompt = next;
  }
}

/** One turn; its usage is the conversation's so far (`before` plus this turn's). */
async function turn(task: AgentTask, options: DemoOptions, prompt: string, turnNumber: number, before: Usage): Promise<AgentResult> {
  // One signal for "stop now": the caller's abort or this turn's own timeout.
  const timeout = new AbortController();
  const timer = task.timeoutMs ? setTimeout(() => timeout.abort(), task.timeoutMs) : null;
  const signal = AbortSignal.any([task.signal, timeout.signal]);
  try {
    const reply = options.text ?? demoReply(prompt);
    const text = turnNumber > 1 ? `Turn ${turnNumber} of this session (${turnNumber - 1} earlier).\n${reply}` : reply;
    const usage = (output: string): Usage => {
      const inputTokens = (before.inputTokens ?? 0) + tokenCount(prompt);
      const outputTokens = (before.outputTokens ?? 0) + tokenCount(output);
      return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
    };
    const stopped = (output: string): AgentResult => {
      if (timeout.signal.aborted) throw new AgentError("timeout", `demo agent: timed out after ${task.timeoutMs} ms`);
      return { output, stopReason: "cancelled", usage: usage(output) };
    };
    let output = "";
    const chunks = splitChunks(text, options.chunks ?? 4);
    for (const [i, chunk] of chunks.entries()) {
      if (signal.aborted) return stopped(output);
      output += chunk;
      task.onEvent({ type: "text-chunk", text: chunk });
      if (options.hang && i === 0) {
        await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
        return stopped(output);
      }
      if (options.delayMs) await pause(options.delayMs, signal);
    }
    if (signal.aborted) return stopped(output);
    if (task.cwd) await writeFile(task, task.cwd, prompt);
    const total = usage(output);
    task.onEvent({ type: "usage-report", usage: total });
    return { output, stopReason: "end_turn", usage: total };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function writeFile(task: AgentTask, cwd: string, prompt: string): Promise<void> {
  const name = demoFileName(prompt);
  const content = demoFileContent(prompt);
  const toolCallId = `demo-edit-${name}`;
  task.onEvent({
    type: "tool-call",
    toolCallId,
    title: `Write ${name}`,
    kind: "edit",
    status: "in_progress",
    locations: [name],
    rawInput: { path: name },
  });
  let old: string | null = null;
  try {
    old = await fs.readFile(path.join(cwd, name), "utf8");
  } catch {
    old = null;
  }
  await fs.mkdir(cwd, { recursive: true });
  await fs.writeFile(path.join(cwd, name), content);
  task.onEvent({
    type: "tool-call-update",
    toolCallId,
    status: "completed",
    content: [{ type: "diff", path: name, oldText: old, newText: content }],
  });
}

export const demoBackend: AgentBackend = {
  id: "demo",
  continuesTurns: true,
  run,
  async availability() {
    return { available: true, reason: "built in (offline, deterministic)" };
  },
};
