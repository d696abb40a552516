/**
 * Test helpers for event streams: a run with running steps inserted directly, events appended
 * through the dispatcher's real writer (append-events: insert + NOTIFY), and a reader that
 * consumes a stream with the SSE parser.
 */
import { sql } from "drizzle-orm";
import { rows, type Db } from "../db/client";
import { newId } from "../ids";
import { appendEvents } from "../dispatch/append-events";
import { RUN_EVENTS_CHANNEL, type StepEventInput } from "../engine/contract";
import { SseParser, type ParsedMessage } from "./parse-stream";

export interface StreamRun {
  runId: string;
  stepIds: string[];
}

/** A running run with `count` running steps (fence 1), as a worker would have claimed them. */
export async function insertRunningRun(db: Db, count: number): Promise<StreamRun> {
  const runId = newId("run");
  const stepIds = Array.from({ length: count }, () => newId("step"));
  await db.orm.transaction(async (tx) => {
    await rows(tx, sql`insert into runs (id, flow_id, flow_version, status, started_at) values (${runId}, 'flow_sse', 1, 'running', now())`);
    for (const [i, id] of stepIds.entries()) {
      await rows(
        tx,
        sql`insert into steps (id, run_id, node_id, key, kind, state, attempt, fence, lease_owner, lease_expires_at, started_at)
            values (${id}, ${runId}, ${`n${i}`}, ${`n${i}`}, 'agent', 'running', 1, 1, 'test-worker', now() + interval '1 hour', now())`,
      );
    }
  });
  return { runId, stepIds };
}

export function textEvents(prefix: string, count: number): StepEventInput[] {
  return Array.from({ length: count }, (_, i) => ({ type: "text-chunk", data: { text: `${prefix}-${i};` } }));
}

export async function append(db: Db, stepId: string, events: StepEventInput[]): Promise<void> {
  const { appended: written } = await appendEvents(db.orm, { stepId, fence: 1, events });
  if (written !== events.length) throw new Error(`appended ${written} of ${events.length} events`);
}

/** Marks the run terminal while its steps keep running (a cancel, before the workers stop). */
export async function markRunStatus(db: Db, runId: string, status: "failed" | "canceled"): Promise<void> {
  await rows(db.orm, sql`update runs set status = ${status} where id = ${runId}`);
  await rows(db.orm, sql`select pg_notify(${RUN_EVENTS_CHANNEL}, ${runId})`);
}

/** Ends the run the way the engine does: status terminal, then NOTIFY. */
export async function finishRun(db: Db, runId: string, status: "succeeded" | "failed" | "canceled" = "succeeded"): Promise<void> {
  await db.orm.transaction(async (tx) => {
    await rows(tx, sql`update steps set state = 'succeeded', lease_owner = null, lease_expires_at = null, finished_at = now() where run_id = ${runId}`);
    await rows(tx, sql`update runs set status = ${status}, finished_at = now() where id = ${runId}`);
    await rows(tx, sql`select pg_notify(${RUN_EVENTS_CHANNEL}, ${runId})`);
  });
}

export async function storedEventIds(db: Db, runId: string): Promise<number[]> {
  const found = await rows<{ id: number | string }>(db.orm, sql`select id from step_events where run_id = ${runId} order by id`);
  return found.map((r) => Number(r.id));
}

/** Reads a stream message by message; `until` resolves once the predicate holds. */
export class StreamReader {
  readonly messages: ParsedMessage[] = [];
  done = false;
  private readonly parser = new SseParser();
  private waiters: Array<() => void> = [];
  private readonly finished: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    this.finished = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.messages.push(...this.parser.push(decoder.decode(value, { stream: true })));
        this.wake();
      }
      this.done = true;
      this.wake();
    })();
  }

  get ids(): number[] {
    return this.messages.map((m) => Number(m.id));
  }

  get retry(): number | null {
    return this.parser.retry;
  }

  get comments(): number {
    return this.parser.comments;
  }

  private wake() {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  async until(predicate: (reader: StreamReader) => boolean): Promise<void> {
    while (!predicate(this)) {
      if (this.done) throw new Error(`stream ended before the condition held (${this.messages.length} messages)`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Resolves when the server closes the stream. */
  closed(): Promise<void> {
    return this.finished;
  }
}
