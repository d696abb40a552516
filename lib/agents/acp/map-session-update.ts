/**
 * Pure mappers from ACP wire shapes to Baton agent events. No I/O: fed recorded fixture JSON
 * in tests. Unknown `sessionUpdate` variants (and content kinds we can't show) map to
 * nothing, so a newer agent never breaks a step.
 */
import type { AgentEvent, StopReason, ToolCallContent, ToolCallStatus, ToolKind, Usage } from "../types";

const TOOL_KINDS: readonly ToolKind[] = ["read", "edit", "delete", "move", "search", "execute", "think", "fetch", "other"];
const TOOL_STATUSES: readonly ToolCallStatus[] = ["pending", "in_progress", "completed", "failed"];
const STOP_REASONS: readonly StopReason[] = ["end_turn", "max_tokens", "max_turn_requests", "refusal", "cancelled"];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Text of a content block; non-text blocks (images, audio, resources) carry no text to stream. */
export function contentBlockText(block: unknown): string | undefined {
  if (!isObject(block)) return undefined;
  if (block.type === "text") return str(block.text);
  if (block.type === "resource_link") return str(block.uri);
  return undefined;
}

export function mapToolKind(kind: unknown): ToolKind {
  return TOOL_KINDS.includes(kind as ToolKind) ? (kind as ToolKind) : "other";
}

function mapToolStatus(status: unknown): ToolCallStatus | undefined {
  return TOOL_STATUSES.includes(status as ToolCallStatus) ? (status as ToolCallStatus) : undefined;
}

export function mapLocations(locations: unknown): string[] | undefined {
  if (!Array.isArray(locations)) return undefined;
  const paths = locations.map((l) => (isObject(l) ? str(l.path) : undefined)).filter((p): p is string => !!p);
  return paths;
}

/** Tool call content: diffs and text survive; terminal references have nothing to show here. */
export function mapToolContent(content: unknown): ToolCallContent[] | undefined {
  if (!Array.isArray(content)) return undefined;
  const out: ToolCallContent[] = [];
  for (const item of content) {
    if (!isObject(item)) continue;
    if (item.type === "diff" && typeof item.path === "string" && typeof item.newText === "string") {
      out.push({ type: "diff", path: item.path, oldText: str(item.oldText) ?? null, newText: item.newText });
    } else if (item.type === "content") {
      const text = contentBlockText(item.content);
      if (text !== undefined) out.push({ type: "text", text });
    }
  }
  return out;
}

/**
 * `usage_update` reports the context window in use (`used` of `size`) — not tokens spent,
 * so it never becomes totalTokens — and an optional cumulative cost (Claude).
 */
export function mapUsageUpdate(update: Json): Usage {
  const usage: Usage = {};
  if (typeof update.used === "number") usage.contextTokens = update.used;
  const cost = update.cost;
  if (isObject(cost) && typeof cost.amount === "number" && str(cost.currency)?.toUpperCase() === "USD") {
    usage.costUsd = cost.amount;
  }
  return usage;
}

function camelTokens(u: Json): Usage {
  const usage: Usage = {};
  if (typeof u.inputTokens === "number") usage.inputTokens = u.inputTokens;
  if (typeof u.outputTokens === "number") usage.outputTokens = u.outputTokens;
  if (typeof u.totalTokens === "number") usage.totalTokens = u.totalTokens;
  return usage;
}

/**
 * Turn totals on the `session/prompt` response: the (unstable) `usage` field (Claude) or
 * Gemini CLI's `_meta.quota.token_count` ({input_tokens, output_tokens}).
 */
export function mapPromptUsage(response: unknown): Usage {
  if (!isObject(response)) return {};
  if (isObject(response.usage)) return camelTokens(response.usage);
  const quota = isObject(response._meta) && isObject(response._meta.quota) ? response._meta.quota : null;
  const count = quota && isObject(quota.token_count) ? quota.token_count : null;
  if (!count) return {};
  const usage: Usage = {};
  if (typeof count.input_tokens === "number") usage.inputTokens = count.input_tokens;
  if (typeof count.output_tokens === "number") usage.outputTokens = count.output_tokens;
  return usage;
}

/** qwen-code's per-model-call usage on an `agent_message_chunk` (`_meta.usage`): added up per turn. */
export function mapChunkUsage(update: Json): Usage | null {
  const meta = isObject(update._meta) ? update._meta : null;
  if (!meta || !isObject(meta.usage)) return null;
  const usage = camelTokens(meta.usage);
  return Object.keys(usage).length > 0 ? usage : null;
}

export function mapStopReason(reason: unknown): StopReason {
  return STOP_REASONS.includes(reason as StopReason) ? (reason as StopReason) : "end_turn";
}

/**
 * What one update means to the backend: agent events, plus `usage-add` — usage of one model
 * call that the backend adds to the turn's tally (every other usage report is a running
 * total that replaces what it names).
 */
export type MappedUpdate = AgentEvent | { type: "usage-add"; usage: Usage };

/** One `session/update` payload (`params.update`) → zero or more events. */
export function mapSessionUpdate(update: unknown): MappedUpdate[] {
  if (!isObject(update)) return [];
  switch (update.sessionUpdate) {
    case "agent_message_chunk": {
      const text = contentBlockText(update.content);
      const usage = mapChunkUsage(update);
      const events: MappedUpdate[] = text ? [{ type: "text-chunk", text }] : [];
      if (usage) events.push({ type: "usage-add", usage });
      return events;
    }
    case "agent_thought_chunk": {
      const text = contentBlockText(update.content);
      return text ? [{ type: "thought-chunk", text }] : [];
    }
    case "tool_call": {
      const toolCallId = str(update.toolCallId);
      if (!toolCallId) return [];
      const event: AgentEvent = {
        type: "tool-call",
        toolCallId,
        title: str(update.title) ?? "",
        kind: mapToolKind(update.kind),
        status: mapToolStatus(update.status) ?? "pending",
      };
      const locations = mapLocations(update.locations);
      if (locations?.length) event.locations = locations;
      const content = mapToolContent(update.content);
      if (content?.length) event.content = content;
      if (update.rawInput !== undefined) event.rawInput = update.rawInput;
      return [event];
    }
    case "tool_call_update": {
      const toolCallId = str(update.toolCallId);
      if (!toolCallId) return [];
      const event: Extract<AgentEvent, { type: "tool-call-update" }> = { type: "tool-call-update", toolCallId };
      const title = str(update.title);
      if (title !== undefined) event.title = title;
      if (update.kind !== undefined) event.kind = mapToolKind(update.kind);
      const status = mapToolStatus(update.status);
      if (status) event.status = status;
      const locations = mapLocations(update.locations);
      if (locations) event.locations = locations;
      const content = mapToolContent(update.content);
      if (content) event.content = content;
      if (update.rawOutput !== undefined) event.rawOutput = update.rawOutput;
      return [event];
    }
    case "plan": {
      if (!Array.isArray(update.entries)) return [];
      const entries = update.entries.filter(isObject).map((e) => {
        const entry: { content: string; status: string; priority?: string } = {
          content: str(e.content) ?? "",
          status: str(e.status) ?? "pending",
        };
        const priority = str(e.priority);
        if (priority) entry.priority = priority;
        return entry;
      });
      return [{ type: "plan", entries }];
    }
    case "usage_update":
      return [{ type: "usage-report", usage: mapUsageUpdate(update) }];
    default:
      // user_message_chunk (echo of our prompt), mode/command/config updates and any
      // variant newer than this code: nothing a step needs to show.
      return [];
  }
}

const USAGE_KEYS = ["inputTokens", "outputTokens", "totalTokens", "costUsd", "contextTokens"] as const;

/** Later usage wins field by field (running totals); totalTokens follows input + output when not reported. */
export function mergeUsage(base: Usage, next: Usage): Usage {
  const merged: Usage = { ...base };
  for (const key of USAGE_KEYS) {
    if (next[key] !== undefined) merged[key] = next[key];
  }
  return withTotal(merged, next.totalTokens !== undefined);
}

/** Adds one model call's usage to the tally. */
export function addUsage(base: Usage, next: Usage): Usage {
  const sum: Usage = { ...base };
  for (const key of ["inputTokens", "outputTokens", "costUsd"] as const) {
    if (next[key] !== undefined) sum[key] = (sum[key] ?? 0) + next[key];
  }
  return withTotal(sum, false);
}

function withTotal(usage: Usage, reported: boolean): Usage {
  if (reported || usage.inputTokens === undefined || usage.outputTokens === undefined) return usage;
  return { ...usage, totalTokens: usage.inputTokens + usage.outputTokens };
}
