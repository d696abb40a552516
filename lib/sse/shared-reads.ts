/**
 * Read sharing for the event streams of one process. Viewers of one run that are caught up
 * hold the same cursor and are woken by the same NOTIFY: without sharing, twenty viewers cost
 * twenty queries per event. With it, one query serves them all.
 *
 * Why an epoch: joining a query that is already running is only safe if that query can see
 * what the joiner was woken for. Each NOTIFY for a run bumps the run's epoch once (one
 * subscription per run, fanned out here), and a query remembers the epoch it started in. A
 * reader woken at epoch k joins only a query started at epoch ≥ k, i.e. after the NOTIFY,
 * hence after the commit it announced; otherwise it starts a fresh query.
 */
import type { Db } from "../db/client";
import { RUN_EVENTS_CHANNEL } from "../engine/contract";
import { readEventsAfter, type EventPage } from "./read-events";

export interface RunNotifier {
  subscribe(channel: typeof RUN_EVENTS_CHANNEL, listener: (payload: string) => void): () => void;
}

interface RunChannel {
  epoch: number;
  listeners: Set<() => void>;
  unsubscribe: (() => void) | null;
  queries: Map<string, { epoch: number; promise: Promise<unknown> }>;
}

const channels = new WeakMap<Db, Map<string, RunChannel>>();

function channelOf(db: Db, runId: string): RunChannel {
  let map = channels.get(db);
  if (!map) channels.set(db, (map = new Map()));
  let channel = map.get(runId);
  if (!channel) map.set(runId, (channel = { epoch: 0, listeners: new Set(), unsubscribe: null, queries: new Map() }));
  return channel;
}

/** Calls `listener` on every NOTIFY for the run (after bumping its epoch); returns the unwatch. */
export function watchRun(db: Db, notifier: RunNotifier, runId: string, listener: () => void): () => void {
  const channel = channelOf(db, runId);
  if (!channel.unsubscribe) {
    channel.unsubscribe = notifier.subscribe(RUN_EVENTS_CHANNEL, (payload) => {
      if (payload !== runId) return;
      channel.epoch++;
      for (const l of [...channel.listeners]) l();
    });
  }
  channel.listeners.add(listener);
  return () => {
    channel.listeners.delete(listener);
    if (channel.listeners.size > 0) return;
    channel.unsubscribe?.();
    channel.unsubscribe = null;
    if (channel.queries.size === 0) channels.get(db)?.delete(runId);
  };
}

/** The run's current epoch: a reader records it when it decides it needs a read. */
export const epochOf = (db: Db, runId: string): number => channelOf(db, runId).epoch;

function shared<T>(db: Db, runId: string, key: string, needEpoch: number, read: () => Promise<T>): Promise<T> {
  const channel = channelOf(db, runId);
  const running = channel.queries.get(key);
  if (running && running.epoch >= needEpoch) return running.promise as Promise<T>;
  const entry = { epoch: channel.epoch, promise: read() as Promise<unknown> };
  channel.queries.set(key, entry);
  const done = () => {
    if (channel.queries.get(key) === entry) channel.queries.delete(key);
  };
  entry.promise.then(done, done);
  return entry.promise as Promise<T>;
}

export function sharedEventsAfter(db: Db, runId: string, afterId: number, limit: number, gapWindow: number, needEpoch: number): Promise<EventPage> {
  return shared(db, runId, `events:${afterId}:${limit}:${gapWindow}`, needEpoch, () => readEventsAfter(db.orm, runId, afterId, limit, gapWindow));
}
