/**
 * The events bench's writer, run in a worker thread (see startAppender): appends the measured
 * events through the dispatcher's real writer (append-events: insert + NOTIFY in one statement)
 * and notes when each commit returned.
 *
 * Why a thread of its own: the bench's main thread also drives Playwright, and twenty pages
 * send it CDP traffic for every event. A commit noticed late there is timestamped late, which
 * understates the latency (it showed as negative latencies). Here the event loop does nothing
 * else. Times are performance.timeOrigin + performance.now() (wall-clock based, sub-ms), the
 * same clock the pages and the Node clients read.
 */
import { parentPort, Worker, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { openDb, type Db } from "../lib/db/client";
import { append } from "../lib/sse/testing";

export interface AppendJob {
  stepId: string;
  count: number;
}

export interface Appender {
  /** Appends events "0" … String(count - 1) to the step 20–50 ms apart; resolves to their commit times. */
  run(job: AppendJob): Promise<number[]>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts the writer thread on the database at `url`. */
export function startAppender(url: string): Appender {
  // Workers don't inherit tsx's loader: register it in the worker before importing this file.
  const tsx = import.meta.resolve("tsx/esm/api");
  const worker = new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`, {
    eval: true,
    workerData: { url },
  });
  let failure: Error | null = null;
  const pending: Array<{ resolve: (times: number[]) => void; reject: (error: Error) => void }> = [];
  worker.on("message", (message: { committed?: number[]; error?: string }) => {
    const next = pending.shift();
    if (message.error !== undefined) next?.reject(new Error(message.error));
    else next?.resolve(message.committed ?? []);
  });
  worker.on("error", (error) => {
    failure = error;
    for (const p of pending.splice(0)) p.reject(error);
  });
  return {
    run(job) {
      if (failure) return Promise.reject(failure);
      return new Promise<number[]>((resolve, reject) => {
        pending.push({ resolve, reject });
        worker.postMessage(job);
      });
    },
    async close() {
      worker.postMessage("close");
      await new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    },
  };
}

async function serve(url: string): Promise<void> {
  const db: Db = await openDb({ url, poolSize: 1, migrate: false });
  parentPort!.on("message", (message: AppendJob | "close") => {
    if (message === "close") {
      void db.close().finally(() => process.exit(0));
      return;
    }
    void (async () => {
      try {
        const committed: number[] = [];
        for (let seq = 0; seq < message.count; seq++) {
          await append(db, message.stepId, [{ type: "text-chunk", data: { text: String(seq) } }]);
          committed.push(performance.timeOrigin + performance.now());
          await sleep(20 + Math.random() * 30);
        }
        parentPort!.postMessage({ committed });
      } catch (error) {
        parentPort!.postMessage({ error: String(error) });
      }
    })();
  });
}

if (parentPort && (workerData as { url?: string } | null)?.url) void serve((workerData as { url: string }).url);
