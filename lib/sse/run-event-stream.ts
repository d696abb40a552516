/**
 * One run's event stream as Server-Sent Events: replay after a cursor, then live.
 *
 * Order of operations (why nothing is lost): subscribe to RUN_EVENTS_CHANNEL FIRST (through
 * shared-reads' one-per-run watch, which also lets caught-up viewers share queries), then
 * replay. An event committed during the replay query either is in the replay result or
 * raises a notification that triggers another read; either way the cursor (`lastSent`)
 * dedupes, because every read asks for `id > lastSent` and ids are sent in ascending order.
 *
 * Invariants:
 * - Sent ids strictly increase; an event is sent at most once per stream, and a reconnect
 *   with Last-Event-ID = the last id received resumes exactly after it.
 * - Only the gap-free prefix of each page is sent (see read-events.ts): a lower id that
 *   commits late is never skipped. A gap that stays open longer than `maxHoldMs` is taken
 *   for a rolled-back insert and passed over, so it can't stall a stream forever.
 * - One read in flight at a time; notifications during a read coalesce into one more read.
 * - Fan-out is cheap per viewer: caught-up viewers share one query per NOTIFY (shared-reads)
 *   AND its encoding: the SSE bytes of a page's sent range are built once and the same
 *   Uint8Array is enqueued on every viewer's stream, as one chunk (one socket write) per page.
 * - Notifications are a latency hint only; a slow safety poll and a re-read each time the
 *   notifier (re-)establishes LISTEN cover notifications lost while it was reconnecting.
 * - The stream closes itself once the run is terminal with no step still running, and a
 *   read that started after that was observed found nothing more. Client abort (signal) or cancel
 *   unsubscribes and clears every timer.
 */
import type { Db } from "../db/client";
import { RUN_EVENTS_CHANNEL } from "../engine/contract";
import { formatComment, formatMessage, formatRetry } from "./format";
import type { StoredEvent } from "./read-events";
import { epochOf, sharedEventsAfter, watchRun } from "./shared-reads";

const TERMINAL = new Set(["succeeded", "failed", "canceled"]);
/** How far below a page's first row a still-uncommitted id is looked for (see pump). */
const GAP_WINDOW = 10_000;

/** The part of the notifier (lib/db/notify.ts) a stream needs. */
export interface EventNotifier {
  subscribe(channel: typeof RUN_EVENTS_CHANNEL, listener: (payload: string) => void): () => void;
  onListening(callback: () => void): () => void;
}

export interface RunEventStreamOptions {
  db: Db;
  notifier: EventNotifier;
  runId: string;
  /** Resume after this id; null → from the start. */
  lastEventId: number | null;
  signal?: AbortSignal;
  heartbeatMs?: number;
  safetyPollMs?: number;
  retryMs?: number;
  pageSize?: number;
  /** Re-read delay while a gap below a page's rows is open. */
  settleRetryMs?: number;
  maxHoldMs?: number;
  /** Called after each page is read (diagnostics and tests): the ids read and how many were sent. */
  onPage?: (page: { ids: number[]; sent: number; held: boolean }) => void;
}

/** The JSON carried in each message's `data:` field: the contract's RunEvent (lib/contract/run.ts), which the browser parses with runEventSchema. */
export function eventPayload(event: StoredEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    runId: event.runId,
    stepId: event.stepId,
    attempt: event.attempt,
    data: event.data,
    createdAt: event.createdAt,
  });
}

const encoder = new TextEncoder();

/**
 * The SSE bytes of `events[start..end)`, built once per page and range. shared-reads hands
 * every viewer that joined a query the same page array, so twenty viewers of a run cost one
 * serialisation per event, not twenty. The bytes are never mutated after encoding (streams
 * only queue and write them), so sharing one Uint8Array between streams is safe.
 */
const encodedRanges = new WeakMap<readonly StoredEvent[], Map<string, Uint8Array>>();
export function encodeEvents(events: readonly StoredEvent[], start: number, end: number): Uint8Array {
  let ranges = encodedRanges.get(events);
  if (!ranges) encodedRanges.set(events, (ranges = new Map()));
  const key = `${start}:${end}`;
  let bytes = ranges.get(key);
  if (!bytes) {
    let text = "";
    for (let i = start; i < end; i++) {
      const event = events[i];
      text += formatMessage({ id: event.id, event: event.type, data: eventPayload(event) });
    }
    ranges.set(key, (bytes = encoder.encode(text)));
  }
  return bytes;
}

export function openRunEventStream(options: RunEventStreamOptions): ReadableStream<Uint8Array> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const safetyPollMs = options.safetyPollMs ?? 3_000;
  const pageSize = options.pageSize ?? 500;
  const settleRetryMs = options.settleRetryMs ?? 15;
  const maxHoldMs = options.maxHoldMs ?? 1_000;

  let lastSent = options.lastEventId ?? 0;
  let closed = false;
  let reading = false;
  let again = false;
  // The open gap the stream waits on, and since when.
  let holding: { id: number; since: number } | null = null;
  const cleanups: Array<() => void> = [];
  let controller!: ReadableStreamDefaultController<Uint8Array>;

  const write = (chunk: string | Uint8Array) => {
    if (closed) return;
    try {
      controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
    } catch {
      finish();
    }
  };

  const finish = () => {
    if (closed) return;
    closed = true;
    for (const cleanup of cleanups.splice(0)) cleanup();
    try {
      controller.close();
    } catch {
      // Already closed or errored by the consumer.
    }
  };

  // The run's NOTIFY epoch this stream has been woken for (see shared-reads.ts).
  let needEpoch = 0;
  // A read that must not join a query already running (first replay, re-LISTEN, polls, gap
  // re-checks): nothing woke it that a running query is known to have seen.
  let needFresh = false;
  const requestRead = (fresh = false) => {
    if (closed) return;
    needEpoch = Math.max(needEpoch, epochOf(options.db, options.runId));
    needFresh ||= fresh;
    again = true;
    if (!reading) void pump();
  };

  const pump = async () => {
    reading = true;
    try {
      while (again && !closed) {
        again = false;
        const epoch = needFresh ? Number.POSITIVE_INFINITY : needEpoch;
        needFresh = false;
        // The gap window: an insert still in flight holds an id taken moments ago, so only ids
        // just below the page can be missing for that reason; the window keeps the scan short
        // for a new viewer of an old run (replaying from id 0) on a busy database.
        const { progress, events: page, gap: openGap } = await sharedEventsAfter(options.db, options.runId, lastSent, pageSize, GAP_WINDOW, epoch);
        if (progress === null) return finish();
        // Same snapshot as the page: if the run is over in it, its last events are in it too.
        const over = TERMINAL.has(progress.status) && !progress.stepsRunning;
        if (closed) return;
        let sent = 0;
        let held = false;
        let gap = openGap;
        if (gap !== null) {
          const now = Date.now();
          if (!holding || holding.id !== gap) holding = { id: gap, since: now };
          if (now - holding.since >= maxHoldMs) gap = null;
        }
        // The range to send: ids above the cursor (a page read at this cursor has no others),
        // up to the open gap. Pages are in ascending id order, so it is contiguous.
        let start = 0;
        while (start < page.length && page[start].id <= lastSent) start++;
        let end = start;
        while (end < page.length && (gap === null || page[end].id <= gap)) end++;
        held = end < page.length;
        if (end > start) {
          write(encodeEvents(page, start, end));
          lastSent = page[end - 1].id;
          sent = end - start;
        }
        if (!held) holding = null;
        options.onPage?.({ ids: page.map((e) => e.id), sent, held });
        if (page.length === pageSize && !held) again = true;
        else if (held) schedule(settleRetryMs);
        else if (sent === 0 && over) return finish();
        else if (over) again = true;
      }
    } catch (error) {
      // A failed read (database restarting) is retried by the safety poll; the client's
      // EventSource would otherwise reconnect and resume from its last id anyway.
      console.error("[baton] run event stream read failed:", error);
    } finally {
      reading = false;
    }
  };

  let settleTimer: NodeJS.Timeout | null = null;
  const schedule = (delayMs: number) => {
    if (settleTimer) return;
    settleTimer = setTimeout(() => {
      settleTimer = null;
      requestRead(true);
    }, delayMs);
  };
  cleanups.push(() => {
    if (settleTimer) clearTimeout(settleTimer);
  });

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      write(formatRetry(options.retryMs ?? 2_000));
      write(formatComment("connected"));
      // Subscribe before the first read: see the header comment.
      cleanups.push(watchRun(options.db, options.notifier, options.runId, () => requestRead()));
      cleanups.push(options.notifier.onListening(() => requestRead(true)));
      const heartbeat = setInterval(() => write(formatComment("heartbeat")), heartbeatMs);
      const poll = setInterval(() => requestRead(true), safetyPollMs);
      cleanups.push(() => clearInterval(heartbeat), () => clearInterval(poll));
      if (options.signal) {
        if (options.signal.aborted) return finish();
        const onAbort = () => finish();
        options.signal.addEventListener("abort", onAbort, { once: true });
        cleanups.push(() => options.signal!.removeEventListener("abort", onAbort));
      }
      requestRead(true);
    },
    cancel() {
      finish();
    },
  });
}
