/**
 * One run's event stream as Server-Sent Events: replay after a cursor, then live.
 *
 * Order of operations (why nothing is lost): subscribe to RUN_EVENTS_CHANNEL FIRST, then
 * replay. An event committed during the replay query either is in the replay result or
 * raises a notification that triggers another read; either way the cursor (`lastSent`)
 * dedupes, because every read asks for `id > lastSent` and ids are sent in ascending order.
 *
 * Invariants:
 * - Sent ids strictly increase; an event is sent at most once per stream, and a reconnect
 *   with Last-Event-ID = the last id received resumes exactly after it.
 * - Only the settled prefix of each page is sent (see read-events.ts): a lower id that
 *   commits late is never skipped. Rows unsettled for longer than `maxHoldMs` are sent
 *   anyway, so an unrelated long transaction elsewhere on the server can't stall a stream.
 * - One read in flight at a time; notifications during a read coalesce into one more read.
 * - Notifications are a latency hint only; a slow safety poll and a re-read each time the
 *   notifier (re-)establishes LISTEN cover notifications lost while it was reconnecting.
 * - The stream closes itself once the run is terminal and a read that started after the
 *   terminal status was observed found nothing more. Client abort (signal) or cancel
 *   unsubscribes and clears every timer.
 */
import type { Db } from "../db/client";
import { RUN_EVENTS_CHANNEL } from "../engine/contract";
import { formatComment, formatMessage, formatRetry } from "./format";
import { readEventsAfter, readRunStatus, type StoredEvent } from "./read-events";

const TERMINAL = new Set(["succeeded", "failed", "canceled"]);

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
  /** Re-read delay while a page has unsettled rows. */
  settleRetryMs?: number;
  maxHoldMs?: number;
  /** Called after each page is read (diagnostics and tests): the ids read and how many were sent. */
  onPage?: (page: { ids: number[]; sent: number; held: boolean }) => void;
}

/** The JSON carried in each message's `data:` field. */
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

export function openRunEventStream(options: RunEventStreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const safetyPollMs = options.safetyPollMs ?? 3_000;
  const pageSize = options.pageSize ?? 500;
  const settleRetryMs = options.settleRetryMs ?? 15;
  const maxHoldMs = options.maxHoldMs ?? 1_000;

  let lastSent = options.lastEventId ?? 0;
  let closed = false;
  let reading = false;
  let again = false;
  // When the first unsettled row at the head of the cursor was first seen: id → time.
  let holding: { id: number; since: number } | null = null;
  const cleanups: Array<() => void> = [];
  let controller!: ReadableStreamDefaultController<Uint8Array>;

  const write = (text: string) => {
    if (closed) return;
    try {
      controller.enqueue(encoder.encode(text));
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

  const requestRead = () => {
    if (closed) return;
    again = true;
    if (!reading) void pump();
  };

  const pump = async () => {
    reading = true;
    try {
      while (again && !closed) {
        again = false;
        // Status first: if it is terminal now, every event was committed before this read.
        const status = await readRunStatus(options.db.orm, options.runId);
        if (status === null) return finish();
        const page = await readEventsAfter(options.db.orm, options.runId, lastSent, pageSize);
        if (closed) return;
        let sent = 0;
        let held = false;
        for (const event of page) {
          if (!event.settled) {
            const now = Date.now();
            if (!holding || holding.id !== event.id) holding = { id: event.id, since: now };
            if (now - holding.since < maxHoldMs) {
              held = true;
              break;
            }
          }
          if (event.id <= lastSent) continue;
          write(formatMessage({ id: event.id, event: event.type, data: eventPayload(event) }));
          lastSent = event.id;
          sent++;
        }
        if (!held) holding = null;
        options.onPage?.({ ids: page.map((e) => e.id), sent, held });
        if (page.length === pageSize && !held) again = true;
        else if (held) schedule(settleRetryMs);
        else if (sent === 0 && TERMINAL.has(status)) return finish();
        else if (TERMINAL.has(status)) again = true;
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
      requestRead();
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
      cleanups.push(
        options.notifier.subscribe(RUN_EVENTS_CHANNEL, (payload) => {
          if (payload === options.runId) requestRead();
        }),
      );
      cleanups.push(options.notifier.onListening(requestRead));
      const heartbeat = setInterval(() => write(formatComment("heartbeat")), heartbeatMs);
      const poll = setInterval(requestRead, safetyPollMs);
      cleanups.push(() => clearInterval(heartbeat), () => clearInterval(poll));
      if (options.signal) {
        if (options.signal.aborted) return finish();
        const onAbort = () => finish();
        options.signal.addEventListener("abort", onAbort, { once: true });
        cleanups.push(() => options.signal!.removeEventListener("abort", onAbort));
      }
      requestRead();
    },
    cancel() {
      finish();
    },
  });
}
