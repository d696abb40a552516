/**
 * The notifier: one LISTEN connection per database per process, fanned out to in-process
 * subscribers.
 *
 * Glossary:
 * - channel: a Postgres NOTIFY channel; Baton uses STEP_READY_CHANNEL (payload = step id)
 *   and RUN_EVENTS_CHANNEL (payload = run id). Payloads are ids only, never content.
 * - listening: the moment LISTEN is (re-)established. Notifications sent while the
 *   connection was down are lost, so subscribers to `onListening` re-read the database
 *   then (workers claim, SSE streams replay from their last event id).
 *
 * Invariants:
 * - Postgres: ONE dedicated pg.Client (not a pool client: LISTEN is per session) doing
 *   LISTEN on both channels. When it errors or ends (server restart, pg_terminate_backend)
 *   it reconnects with exponential backoff plus jitter (100 ms doubling to 5 s) and
 *   re-LISTENs; polling in the workers remains the source of truth meanwhile.
 * - PGlite: `pglite.listen()` in the same process; there is no connection to lose.
 * - Nothing connects at import time; the notifier opens on the first `subscribe`.
 * - A throwing subscriber never breaks delivery to the others.
 */
import pg from "pg";
import type { Db } from "./client";
import { RUN_EVENTS_CHANNEL, STEP_READY_CHANNEL } from "../engine/contract";

export type NotifyChannel = typeof STEP_READY_CHANNEL | typeof RUN_EVENTS_CHANNEL;
export const NOTIFY_CHANNELS: readonly NotifyChannel[] = [STEP_READY_CHANNEL, RUN_EVENTS_CHANNEL];

type Listener = (payload: string) => void;

export interface NotifierOptions {
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export class Notifier {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly listeningCallbacks = new Set<() => void>();
  private client: pg.Client | null = null;
  private pgliteUnlisten: Array<() => Promise<void>> = [];
  private started = false;
  private closed = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private listeningNow = false;
  /** Server pid of the LISTEN session (Postgres only), for diagnostics and tests. */
  backendPid: number | null = null;
  /** How many times LISTEN has been established (1 after the first connect). */
  listenCount = 0;

  constructor(
    private readonly db: Db,
    private readonly options: NotifierOptions = {},
  ) {}

  get listening(): boolean {
    return this.listeningNow;
  }

  subscribe(channel: NotifyChannel, listener: Listener): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    this.ensureStarted();
    return () => {
      set.delete(listener);
    };
  }

  /** Called every time LISTEN is established (first connect and each reconnect). */
  onListening(callback: () => void): () => void {
    this.listeningCallbacks.add(callback);
    this.ensureStarted();
    return () => {
      this.listeningCallbacks.delete(callback);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeningNow = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => {});
    for (const unlisten of this.pgliteUnlisten.splice(0)) await unlisten().catch(() => {});
  }

  private ensureStarted(): void {
    if (this.started || this.closed) return;
    this.started = true;
    if (this.db.driver === "pglite") void this.listenPglite();
    else void this.connect();
  }

  private emit(channel: string, payload: string): void {
    for (const listener of this.listeners.get(channel) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        console.error("[baton] notify subscriber threw:", error);
      }
    }
  }

  private announceListening(): void {
    this.listeningNow = true;
    this.listenCount += 1;
    for (const callback of this.listeningCallbacks) {
      try {
        callback();
      } catch (error) {
        console.error("[baton] notify onListening callback threw:", error);
      }
    }
  }

  private async listenPglite(): Promise<void> {
    const pglite = this.db.pglite!;
    for (const channel of NOTIFY_CHANNELS) {
      const unlisten = await pglite.listen(channel, (payload) => this.emit(channel, payload));
      this.pgliteUnlisten.push(unlisten);
    }
    if (!this.closed) this.announceListening();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.db.url, keepAlive: true });
    this.client = client;
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      this.listeningNow = false;
      if (this.client === client) this.client = null;
      client.end().catch(() => {});
      this.scheduleReconnect();
    };
    client.on("error", onLost);
    client.on("end", onLost);
    client.on("notification", (message) => this.emit(message.channel, message.payload ?? ""));
    try {
      await client.connect();
      await client.query(NOTIFY_CHANNELS.map((c) => `LISTEN "${c}"`).join("; "));
      const pid = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
      if (lost || this.closed) return;
      this.backendPid = pid.rows[0].pid;
      this.failures = 0;
      this.announceListening();
    } catch {
      onLost();
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const min = this.options.minBackoffMs ?? 100;
    const max = this.options.maxBackoffMs ?? 5_000;
    const delay = Math.min(max, min * 2 ** this.failures) * (0.5 + Math.random() / 2);
    this.failures += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }
}

const registry = globalThis as unknown as { __batonNotifiers?: WeakMap<Db, Notifier> };

/** The process-wide notifier for `db` (created on first use, kept across HMR reloads). */
export function notifierFor(db: Db): Notifier {
  const map = (registry.__batonNotifiers ??= new WeakMap());
  let notifier = map.get(db);
  if (!notifier) map.set(db, (notifier = new Notifier(db)));
  return notifier;
}

/** Subscribe to a channel on `db`'s process-wide notifier; returns the unsubscribe. */
export function subscribe(db: Db, channel: NotifyChannel, listener: (payload: string) => void): () => void {
  return notifierFor(db).subscribe(channel, listener);
}

/** Closes and forgets `db`'s notifier (call before `db.close()`). */
export async function closeNotifier(db: Db): Promise<void> {
  const map = registry.__batonNotifiers;
  const notifier = map?.get(db);
  if (!notifier) return;
  map!.delete(db);
  await notifier.close();
}
