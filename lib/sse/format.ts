/**
 * Server-Sent Events wire format (WHATWG HTML §9.2). Pure.
 *
 * A field value must not contain a newline: `data` is single-line JSON (JSON.stringify
 * escapes newlines inside strings) and `event`/`id` are checked.
 */
import { HttpError } from "../http/errors";

export interface SseMessage {
  id?: string | number;
  event?: string;
  data: string;
}

function field(name: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`SSE ${name} must not contain a newline`);
  return `${name}: ${value}\n`;
}

export function formatMessage(message: SseMessage): string {
  let out = "";
  if (message.id !== undefined) out += field("id", String(message.id));
  if (message.event !== undefined) out += field("event", message.event);
  for (const line of message.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment line: ignored by EventSource, keeps proxies and idle timers from closing. */
export function formatComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}

export function formatRetry(milliseconds: number): string {
  return `retry: ${Math.max(0, Math.round(milliseconds))}\n\n`;
}

/** Headers for an event stream: no caching, no transformation, no proxy buffering. */
export const SSE_HEADERS: Record<string, string> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
  Connection: "keep-alive",
};

/**
 * The id to resume after: the `Last-Event-ID` header (set by EventSource on reconnect), else
 * `?lastEventId=`. Null when absent; throws on a malformed value (the route answers 400).
 */
export function lastEventIdOrThrow(header: string | null, query: string | null): number | null {
  const raw = header ?? query;
  if (raw === null || raw.trim() === "") return null;
  if (!/^\d{1,15}$/.test(raw.trim())) {
    throw new HttpError("bad_request", "lastEventId must be a non-negative integer event id", [
      { path: header !== null ? "Last-Event-ID" : "lastEventId", message: "must be a non-negative integer event id" },
    ]);
  }
  return Number(raw.trim());
}
