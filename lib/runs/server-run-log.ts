/**
 * The run log of the server process (started from instrumentation.ts): once per process,
 * against the application database, retried with backoff while the database can't be opened
 * (the server keeps answering meanwhile, as the embedded worker does).
 */
import { appDb } from "../app-db";
import { startRunLog, type RunLog } from "./run-log";

const shared = globalThis as unknown as { __batonRunLog?: Promise<RunLog> };

export function startServerRunLog(): Promise<RunLog> {
  shared.__batonRunLog ??= (async () => {
    for (let delay = 1_000; ; delay = Math.min(delay * 2, 30_000)) {
      try {
        return await startRunLog(await appDb());
      } catch (error) {
        console.error(`[baton] run log could not start; retrying in ${delay} ms:`, error);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  })();
  return shared.__batonRunLog;
}
