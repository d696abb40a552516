/**
 * The `openai` backend: one streamed chat completion against an OpenAI-compatible endpoint
 * (Ollama, vLLM, llama.cpp, LM Studio, OpenAI). No file access: it is for research, judge and
 * fold steps and for weak local models. A task that brings `tools` (only the drafting agent's
 * read-only flow tools do) offers them as function tools and runs the model's calls itself,
 * round after round, until the model answers without calling one.
 *
 * The API key is an env-var reference resolved when the task starts; the value goes into
 * the Authorization header and nowhere else (not into errors, events or logs).
 */
import { resolveValue } from "../../profiles/env";
import { withSecretRedaction } from "../../profiles/secrets";
import { AgentError, type AgentBackend, type AgentResult, type AgentTask, type Availability, type TaskToolSpec, type TaskTools, type Usage } from "../types";
import { endpoint, openaiConfigSchema, type OpenaiConfig } from "./config";
import { MalformedChunkError, mapFinishReason, parseChatData, SseParser } from "./sse";
import { assistantToolMessage, parseToolArguments, ToolCallAssembler, toolsField, type ToolCall } from "./tool-calls";

/**
 * Rounds of tool calls one task may make; past them the model is asked once more with
 * `tool_choice: "none"`, so a model that keeps calling tools still ends with an answer.
 */
export const MAX_TOOL_ROUNDS = 8;

export function parseOpenaiConfigOrThrow(options: Record<string, unknown>): OpenaiConfig {
  const parsed = openaiConfigSchema.safeParse(options);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; ");
    throw new AgentError("invalid", `invalid openai config: ${detail}`);
  }
  return parsed.data;
}

/** Headers for a request; throws when the referenced key variable is unset. */
export function authHeadersOrThrow(config: OpenaiConfig, env: Record<string, string | undefined>): Record<string, string> {
  if (!config.apiKey) return {};
  const key = resolveValue(config.apiKey, env);
  if (!key) throw new AgentError("unavailable", `${config.apiKey} is not set in Baton's environment`);
  return { authorization: `Bearer ${key}` };
}

interface ChatTurn {
  /** Messages after the prompt: earlier rounds' tool calls and their results. */
  history?: Array<Record<string, unknown>>;
  tools?: TaskToolSpec[];
  toolChoice?: "none";
}

/** Pure: the request body for one prompt (and, with tools, one round of its conversation). */
export function chatRequestBody(config: OpenaiConfig, prompt: string, model?: string, turn: ChatTurn = {}): Record<string, unknown> {
  const messages: Array<Record<string, unknown>> = [];
  if (config.systemPrompt) messages.push({ role: "system", content: config.systemPrompt });
  messages.push({ role: "user", content: prompt });
  messages.push(...(turn.history ?? []));
  const body: Record<string, unknown> = {
    model: model || config.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  };
  if (turn.tools && turn.tools.length > 0) body.tools = toolsField(turn.tools);
  if (turn.toolChoice) body.tool_choice = turn.toolChoice;
  if (config.temperature !== undefined) body.temperature = config.temperature;
  if (config.maxTokens !== undefined) body.max_tokens = config.maxTokens;
  return body;
}

function addUsage(total: Usage, more: Usage): Usage {
  const sum = (a?: number, b?: number) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));
  const out: Usage = {};
  for (const key of ["inputTokens", "outputTokens", "totalTokens"] as const) {
    const value = sum(total[key], more[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

async function errorBodyExcerpt(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === "object" && json !== null && "error" in json) {
      const error = (json as { error: unknown }).error;
      if (typeof error === "string") return error;
      if (typeof error === "object" && error !== null && "message" in error) return String(error.message);
    }
  } catch {
    // Not JSON: show the text itself.
  }
  return text.slice(0, 500);
}

async function runOpenai(task: AgentTask): Promise<AgentResult> {
  const config = parseOpenaiConfigOrThrow(task.options);
  const headers = authHeadersOrThrow(config, { ...process.env, ...task.env });
  const url = endpoint(config.baseURL, "chat/completions");

  const controller = new AbortController();
  let stopping: null | "cancel" | "timeout" = null;
  const onAbort = () => {
    stopping ??= "cancel";
    controller.abort();
  };
  if (task.signal.aborted) onAbort();
  else task.signal.addEventListener("abort", onAbort, { once: true });
  const watchdog = task.timeoutMs
    ? setTimeout(() => {
        stopping ??= "timeout";
        controller.abort();
      }, task.timeoutMs)
    : undefined;

  let output = "";
  let usage: Usage = {};
  const streamRound = async (body: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", ...headers },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    if (!response.ok) {
      const excerpt = await errorBodyExcerpt(response);
      throw new AgentError("http", `HTTP ${response.status} from ${url}${excerpt ? `: ${excerpt}` : ""}`, { status: response.status });
    }
    if (!response.body) throw new AgentError("protocol", `empty response body from ${url}`);

    const parser = new SseParser();
    const decoder = new TextDecoder();
    const calls = new ToolCallAssembler();
    let finishReason: string | null = null;
    let done = false;
    // The task's output is the last round's text: earlier rounds' text precedes tool calls.
    output = "";
    const reader = response.body.getReader();
    while (!done) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      for (const message of parser.push(decoder.decode(value, { stream: true }))) {
        const item = parseChatData(message.data);
        if (item.kind === "done") {
          done = true;
          break;
        }
        if (item.kind === "error") throw new AgentError("http", `endpoint reported an error mid-stream: ${item.message}`);
        if (item.reasoning) await task.onEvent({ type: "thought-chunk", text: item.reasoning });
        if (item.text) {
          output += item.text;
          await task.onEvent({ type: "text-chunk", text: item.text });
        }
        for (const delta of item.toolCalls ?? []) calls.push(delta);
        if (item.finishReason) finishReason = item.finishReason;
        if (item.usage) {
          usage = addUsage(usage, item.usage);
          await task.onEvent({ type: "usage-report", usage });
        }
      }
    }
    if (done) await reader.cancel().catch(() => {});
    else throw new AgentError("protocol", `stream from ${url} ended without [DONE]${finishReason ? "" : " (no finish_reason either: the answer is incomplete)"}`);
    return { finishReason, calls: calls.calls() };
  };
  try {
    const tools = task.tools && task.tools.specs.length > 0 ? task.tools : null;
    const history: Array<Record<string, unknown>> = [];
    for (let round = 0; ; round++) {
      const toolChoice = tools && round >= MAX_TOOL_ROUNDS ? ("none" as const) : undefined;
      const body = chatRequestBody(config, task.prompt, task.model, { history, tools: tools?.specs, toolChoice });
      const { finishReason, calls } = await streamRound(body);
      if (!tools || calls.length === 0 || toolChoice) return { output, stopReason: mapFinishReason(finishReason), usage };
      history.push(assistantToolMessage(output, calls));
      for (const call of calls) history.push({ role: "tool", tool_call_id: call.id, content: await runToolCall(task, tools, call) });
    }
  } catch (error) {
    if (stopping === "cancel") return { output, stopReason: "cancelled", usage };
    if (stopping === "timeout") throw new AgentError("timeout", `endpoint gave no complete answer within ${task.timeoutMs} ms`);
    if (error instanceof AgentError) throw error;
    if (error instanceof MalformedChunkError) throw new AgentError("protocol", `malformed stream from ${url}: ${error.message}`);
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    throw new AgentError("http", `request to ${url} failed: ${error instanceof Error ? error.message : String(error)}${cause}`);
  } finally {
    clearTimeout(watchdog);
    task.signal.removeEventListener("abort", onAbort);
  }
}

/** One call of the model's, reported as a tool call of the task; its text goes back to the model. */
async function runToolCall(task: AgentTask, tools: TaskTools, call: ToolCall): Promise<string> {
  const parsed = parseToolArguments(call);
  await task.onEvent({ type: "tool-call", toolCallId: call.id, title: call.name, kind: "other", status: "in_progress", rawInput: parsed.ok ? parsed.args : call.arguments });
  const known = tools.specs.some((spec) => spec.name === call.name);
  const result = !parsed.ok
    ? { text: parsed.problem, isError: true }
    : known
      ? await tools.call(call.name, parsed.args)
      : { text: `no tool named "${call.name}"; the tools are: ${tools.specs.map((spec) => spec.name).join(", ")}`, isError: true };
  await task.onEvent({
    type: "tool-call-update",
    toolCallId: call.id,
    status: result.isError ? "failed" : "completed",
    content: [{ type: "text", text: result.text }],
    rawOutput: result,
  });
  return result.text;
}

/** Pure: model ids from a `/models` answer (OpenAI `{data:[{id}]}`; Ollama also `{models:[{name}]}`). */
export function modelIds(json: unknown): string[] | null {
  if (typeof json !== "object" || json === null) return null;
  const record = json as Record<string, unknown>;
  const list = Array.isArray(record.data) ? record.data : Array.isArray(record.models) ? record.models : null;
  if (!list) return null;
  return list.flatMap((m) => {
    if (typeof m !== "object" || m === null) return [];
    const entry = m as Record<string, unknown>;
    const id = typeof entry.id === "string" ? entry.id : typeof entry.name === "string" ? entry.name : null;
    return id ? [id] : [];
  });
}

/** Ollama lists "qwen2.5-coder:latest" for a model asked for as "qwen2.5-coder". */
function listed(ids: string[], model: string): boolean {
  return ids.some((id) => id === model || id === `${model}:latest`);
}

async function openaiAvailability(raw: Record<string, unknown>): Promise<Availability> {
  const parsed = openaiConfigSchema.safeParse(raw);
  if (!parsed.success) return { available: false, reason: `invalid config: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}` };
  const config = parsed.data;
  const url = endpoint(config.baseURL, "models");
  let headers: Record<string, string>;
  try {
    headers = authHeadersOrThrow(config, process.env);
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  }
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(config.availabilityTimeoutMs) });
    if (!response.ok) return { available: false, reason: `GET ${url} answered HTTP ${response.status}` };
    const ids = modelIds(await response.json().catch(() => null));
    if (ids === null || ids.length === 0) return { available: true, reason: `${url} answers` };
    if (listed(ids, config.model)) return { available: true, reason: `${config.model} is served at ${config.baseURL}` };
    const sample = ids.slice(0, 5).join(", ");
    return { available: false, reason: `${config.baseURL} answers but doesn't list ${config.model} (has ${sample}${ids.length > 5 ? ", …" : ""})` };
  } catch (error) {
    const message = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${config.availabilityTimeoutMs} ms` : (error as Error).message;
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return { available: false, reason: `GET ${url} failed: ${message}${cause}` };
  }
}

export const openaiBackend: AgentBackend = {
  id: "openai",
  offersTaskTools: true,
  run: withSecretRedaction(runOpenai),
  availability: openaiAvailability,
};
