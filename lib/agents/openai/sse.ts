/**
 * Pure, incremental parsers for OpenAI-style streaming: Server-Sent Events framing, then the
 * `chat.completion.chunk` payloads. Fed arbitrary byte splits; tested with recorded streams.
 */
import type { StopReason, Usage } from "../types";

export interface SseMessage {
  event?: string;
  data: string;
}

/**
 * SSE framing (WHATWG rules that matter here): lines end in \n, \r\n or \r; a blank line
 * dispatches; `data:` lines join with \n; a leading space after the colon is dropped;
 * lines starting with ":" are comments (keep-alives).
 */
export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event: string | undefined;

  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A lone \r at the very end may be the first half of \r\n: wait for more input.
      if (match[0] === "\r" && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const message = this.line(line);
      if (message) out.push(message);
    }
    return out;
  }

  /** True when a partial message is buffered (the stream was cut mid-event). */
  hasPending(): boolean {
    return this.buffer.length > 0 || this.data.length > 0;
  }

  private line(line: string): SseMessage | null {
    if (line === "") {
      if (this.data.length === 0) {
        this.event = undefined;
        return null;
      }
      const message: SseMessage = { data: this.data.join("\n") };
      if (this.event) message.event = this.event;
      this.data = [];
      this.event = undefined;
      return message;
    }
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    return null;
  }
}

export type ChatStreamItem =
  | { kind: "done" }
  | { kind: "chunk"; text: string; reasoning: string; finishReason: string | null; usage: Usage | null; toolCalls?: ToolCallDelta[] }
  | { kind: "error"; message: string };

/** A piece of a streamed function call: the first piece of a call has its id and name, the rest add argument text. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  name?: string;
  arguments?: string;
}

export class MalformedChunkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedChunkError";
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function mapUsage(raw: unknown): Usage | null {
  if (!isObject(raw)) return null;
  const usage: Usage = {};
  if (typeof raw.prompt_tokens === "number") usage.inputTokens = raw.prompt_tokens;
  if (typeof raw.completion_tokens === "number") usage.outputTokens = raw.completion_tokens;
  if (typeof raw.total_tokens === "number") usage.totalTokens = raw.total_tokens;
  return usage;
}

/** One SSE `data` payload → a stream item, or MalformedChunkError naming what is wrong. */
export function parseChatData(data: string): ChatStreamItem {
  if (data.trim() === "[DONE]") return { kind: "done" };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new MalformedChunkError(`chunk is not JSON: ${data.slice(0, 200)}`);
  }
  if (!isObject(json)) throw new MalformedChunkError(`chunk is not an object: ${data.slice(0, 200)}`);
  if (json.error !== undefined) {
    const message = isObject(json.error) && typeof json.error.message === "string" ? json.error.message : JSON.stringify(json.error);
    return { kind: "error", message };
  }
  if (!Array.isArray(json.choices)) throw new MalformedChunkError(`chunk has no choices array: ${data.slice(0, 200)}`);
  let text = "";
  let reasoning = "";
  let finishReason: string | null = null;
  const toolCalls: ToolCallDelta[] = [];
  for (const choice of json.choices) {
    // Only the first choice is ours (n=1); others would interleave unrelated text.
    if (!isObject(choice) || (choice.index ?? 0) !== 0) continue;
    const delta = isObject(choice.delta) ? choice.delta : {};
    if (typeof delta.content === "string") text += delta.content;
    // Reasoning models served by Ollama/vLLM stream thoughts under one of these names.
    if (typeof delta.reasoning_content === "string") reasoning += delta.reasoning_content;
    else if (typeof delta.reasoning === "string") reasoning += delta.reasoning;
    if (typeof choice.finish_reason === "string") finishReason = choice.finish_reason;
    for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      if (!isObject(call)) continue;
      const fn = isObject(call.function) ? call.function : {};
      toolCalls.push({
        index: typeof call.index === "number" ? call.index : 0,
        ...(typeof call.id === "string" ? { id: call.id } : {}),
        ...(typeof fn.name === "string" ? { name: fn.name } : {}),
        ...(typeof fn.arguments === "string" ? { arguments: fn.arguments } : {}),
      });
    }
  }
  return { kind: "chunk", text, reasoning, finishReason, usage: mapUsage(json.usage), ...(toolCalls.length > 0 ? { toolCalls } : {}) };
}

export function mapFinishReason(reason: string | null): StopReason {
  switch (reason) {
    case "length":
      return "max_tokens";
    case "content_filter":
      return "refusal";
    default:
      // "stop", "tool_calls", "function_call", "eos" and unknown reasons end the turn normally.
      return "end_turn";
  }
}
