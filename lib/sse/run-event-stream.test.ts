import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { closeNotifier, notifierFor } from "../db/notify";
import { runEventSchema } from "../contract/run";
import { RUN_EVENTS_CHANNEL } from "../engine/contract";
import { openTestPglite, openTestPostgres } from "../testing/postgres";
import { SseParser } from "./parse-stream";
import { openRunEventStream, type EventNotifier } from "./run-event-stream";
import { append, finishRun, insertRunningRun, markRunStatus, storedEventIds, StreamReader, textEvents } from "./testing";

/** The real notifier, counting live subscriptions so a test can see them cleaned up. */
function countingNotifier(db: Db): EventNotifier & { active: () => number } {
  const notifier = notifierFor(db);
  let active = 0;
  return {
    active: () => active,
    subscribe(channel, listener) {
      active++;
      const unsubscribe = notifier.subscribe(channel, listener);
      return () => {
        active--;
        unsubscribe();
      };
    },
    onListening: (callback) => notifier.onListening(callback),
  };
}

const strictlyIncreasing = (ids: number[]) => ids.every((id, i) => i === 0 || id > ids[i - 1]);

function suite(name: string, open: () => Promise<Db>) {
  describe(`run event stream on ${name}`, () => {
    let db: Db;
    let notifier: ReturnType<typeof countingNotifier>;
    beforeAll(async () => {
      db = await open();
      notifier = countingNotifier(db);
    });
    afterAll(async () => {
      await closeNotifier(db);
      await db.close();
    });

    const stream = (runId: string, lastEventId: number | null, signal?: AbortSignal) =>
      new StreamReader(openRunEventStream({ db, notifier, runId, lastEventId, signal, safetyPollMs: 60_000 }));

    it("replays, streams live events as they commit, and closes when the run ends", async () => {
      const { runId, stepIds } = await insertRunningRun(db, 1);
      await append(db, stepIds[0], textEvents("early", 3));
      const reader = stream(runId, null);
      await reader.until((r) => r.messages.length === 3);
      expect(reader.retry).toBe(2000);
      // The safety poll is a minute away: only NOTIFY can deliver these in time.
      await append(db, stepIds[0], [{ type: "tool-call", data: { toolCallId: "t1", title: "ls", kind: "execute", status: "pending" } }]);
      await reader.until((r) => r.messages.length === 4);
      await finishRun(db, runId);
      await reader.closed();
      expect(reader.ids).toEqual(await storedEventIds(db, runId));
      expect(reader.messages.map((m) => m.event)).toEqual(["text-chunk", "text-chunk", "text-chunk", "tool-call"]);
      const last = JSON.parse(reader.messages[3].data) as { runId: string; stepId: string; attempt: number; data: { title: string } };
      expect(last).toMatchObject({ runId, stepId: stepIds[0], attempt: 1, data: { title: "ls" } });
      // Every message is the wire contract's RunEvent, named after its type.
      for (const message of reader.messages) expect(runEventSchema.parse(JSON.parse(message.data)).type).toBe(message.event);
    });

    it("reconnecting with Last-Event-ID mid-run loses and duplicates nothing", async () => {
      const { runId, stepIds } = await insertRunningRun(db, 2);
      await append(db, stepIds[0], textEvents("a", 5));
      const abort = new AbortController();
      const first = stream(runId, null, abort.signal);
      await first.until((r) => r.messages.length === 5);
      abort.abort();
      await first.closed();
      // Written while disconnected, then more after the reconnect.
      await append(db, stepIds[1], textEvents("b", 4));
      const resumed = stream(runId, Number(first.messages[first.messages.length - 1].id));
      await resumed.until((r) => r.messages.length === 4);
      await append(db, stepIds[0], textEvents("c", 3));
      await finishRun(db, runId);
      await resumed.closed();
      const seen = [...first.ids, ...resumed.ids];
      expect(seen).toEqual(await storedEventIds(db, runId));
      expect(new Set(seen).size).toBe(12);
    });

    it("gives two viewers the same events, and a stream of a finished run just replays", async () => {
      const { runId, stepIds } = await insertRunningRun(db, 1);
      const one = stream(runId, null);
      const two = stream(runId, null);
      for (let i = 0; i < 5; i++) await append(db, stepIds[0], textEvents(`x${i}`, 2));
      await finishRun(db, runId);
      await Promise.all([one.closed(), two.closed()]);
      const all = await storedEventIds(db, runId);
      expect(one.ids).toEqual(all);
      expect(two.ids).toEqual(all);
      expect(one.messages.map((m) => m.data)).toEqual(two.messages.map((m) => m.data));
      const late = stream(runId, all[4]);
      await late.closed();
      expect(late.ids).toEqual(all.slice(5));
    });

    it("twenty caught-up viewers cost one read and one encoding per event", async () => {
      const { runId, stepIds } = await insertRunningRun(db, 1);
      await append(db, stepIds[0], textEvents("before", 2));
      // The same database, with its reads counted (shared-reads shares per Db object).
      let reads = 0;
      const orm = new Proxy(db.orm, {
        get(target, key) {
          const value = Reflect.get(target, key) as unknown;
          if (key === "execute") return (...args: Parameters<typeof target.execute>) => (reads++, target.execute(...args));
          return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      const counted: Db = { ...db, orm };
      // Raw chunks per viewer, to see which bytes each stream was given.
      const viewers = Array.from({ length: 20 }, () => {
        const chunks: Uint8Array[] = [];
        const parser = new SseParser();
        const decoder = new TextDecoder();
        const ids: number[] = [];
        const reader = openRunEventStream({ db: counted, notifier, runId, lastEventId: null, safetyPollMs: 60_000 }).getReader();
        void (async () => {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            chunks.push(value);
            for (const m of parser.push(decoder.decode(value, { stream: true }))) ids.push(Number(m.id));
          }
        })();
        return { chunks, ids, cancel: () => reader.cancel() };
      });
      const until = async (predicate: () => boolean) => {
        while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
      };
      await until(() => viewers.every((v) => v.ids.length === 2));
      // Let the first reads (replay, LISTEN established) finish before counting.
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (let i = 0; i < 3; i++) {
        const before = reads;
        const chunkCounts = viewers.map((v) => v.chunks.length);
        await append(db, stepIds[0], textEvents(`live${i}`, 2));
        await until(() => viewers.every((v) => v.ids.length === 4 + 2 * i));
        expect(reads - before).toBe(1);
        // One chunk per viewer for the page (both events), the very same bytes for all.
        const written = viewers.map((v, j) => v.chunks.slice(chunkCounts[j]));
        expect(written.every((w) => w.length === 1)).toBe(true);
        expect(new Set(written.map((w) => w[0])).size).toBe(1);
      }
      const all = await storedEventIds(db, runId);
      expect(viewers.every((v) => v.ids.join() === all.join())).toBe(true);
      await Promise.all(viewers.map((v) => v.cancel()));
    });

    it("unsubscribes when the client aborts", async () => {
      const { runId } = await insertRunningRun(db, 1);
      const before = notifier.active();
      const abort = new AbortController();
      const reader = stream(runId, null, abort.signal);
      await reader.until((r) => r.comments >= 1);
      expect(notifier.active()).toBe(before + 1);
      abort.abort();
      await reader.closed();
      expect(notifier.active()).toBe(before);
    });

    it("stays open after a cancel until the run's steps have stopped", async () => {
      const { runId, stepIds } = await insertRunningRun(db, 1);
      const reader = stream(runId, null);
      await append(db, stepIds[0], textEvents("before", 1));
      await reader.until((r) => r.messages.length === 1);
      await markRunStatus(db, runId, "canceled");
      // The step is still running: its last words must still reach the viewer.
      await append(db, stepIds[0], textEvents("last", 1));
      await reader.until((r) => r.messages.length === 2);
      expect(reader.done).toBe(false);
      await finishRun(db, runId, "canceled");
      await reader.closed();
      expect(reader.ids).toEqual(await storedEventIds(db, runId));
    });

    it("ends at once for an unknown run", async () => {
      const reader = stream("run_missing", null);
      await reader.closed();
      expect(reader.messages).toEqual([]);
    });
  });
}

suite("PGlite", openTestPglite);
suite("Postgres", () => openTestPostgres());

describe("run event stream with concurrent writers (Postgres)", () => {
  let db: Db & { url: string };
  beforeAll(async () => {
    db = await openTestPostgres();
  });
  afterAll(async () => {
    await closeNotifier(db);
    await db.close();
  });

  it("never skips an id that commits after a higher one", async () => {
    const { runId, stepIds } = await insertRunningRun(db, 1);
    const notifier = notifierFor(db);
    const pages: Array<{ ids: number[]; sent: number; held: boolean }> = [];
    let pageSeen: (() => void) | null = null;
    const reader = new StreamReader(
      openRunEventStream({
        db,
        notifier,
        runId,
        lastEventId: null,
        safetyPollMs: 60_000,
        maxHoldMs: 60_000,
        onPage: (page) => {
          pages.push(page);
          pageSeen?.();
        },
      }),
    );
    await reader.until(() => notifier.listening && pages.length > 0);
    const slow = new pg.Client({ connectionString: db.url });
    await slow.connect();
    try {
      // The slow writer takes the lower id and holds its transaction open…
      await slow.query("begin");
      await slow.query(
        `insert into step_events (run_id, step_id, attempt, type, data) values ($1, $2, 1, 'text-chunk', '{"text":"slow"}')`,
        [runId, stepIds[0]],
      );
      // …while a fast writer commits a higher id and notifies; wait until the stream has read it.
      const readFast = new Promise<void>((resolve) => {
        pageSeen = () => {
          if (pages[pages.length - 1].ids.length > 0) resolve();
        };
      });
      await append(db, stepIds[0], textEvents("fast", 1));
      await readFast;
      expect(pages[pages.length - 1]).toMatchObject({ sent: 0, held: true });
      await slow.query(`select pg_notify($1, $2)`, [RUN_EVENTS_CHANNEL, runId]);
      await slow.query("commit");
    } finally {
      await slow.end();
    }
    await reader.until((r) => r.messages.length === 2);
    await finishRun(db, runId);
    await reader.closed();
    expect(reader.ids).toEqual(await storedEventIds(db, runId));
    expect(reader.messages.map((m) => (JSON.parse(m.data) as { data: { text: string } }).data.text)).toEqual(["slow", "fast-0;"]);
  });

  it("delivers every event in order while many steps append at once", async () => {
    const { runId, stepIds } = await insertRunningRun(db, 8);
    const viewers = Array.from({ length: 12 }, () => 0).map(
      () => new StreamReader(openRunEventStream({ db, notifier: notifierFor(db), runId, lastEventId: null })),
    );
    await Promise.all(
      stepIds.map(async (stepId, s) => {
        for (let batch = 0; batch < 15; batch++) await append(db, stepId, textEvents(`s${s}b${batch}`, 1 + (batch % 3)));
      }),
    );
    await finishRun(db, runId);
    await Promise.all(viewers.map((v) => v.closed()));
    const all = await storedEventIds(db, runId);
    for (const viewer of viewers) {
      expect(strictlyIncreasing(viewer.ids)).toBe(true);
      expect(viewer.ids).toEqual(all);
    }
  });
});
