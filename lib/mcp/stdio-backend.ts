/**
 * What `npm run mcp` opens behind its stdio transport: the database and an embedded worker,
 * opened lazily — the transport connects first, so `initialize` and `tools/list` are answered
 * at once however long opening, migrating and starting the worker take; opening starts right
 * after, without waiting for a tool call, so runs paused by an earlier exit resume at once.
 *
 * Runs started here progress while this process lives. When the client exits (stdin closes,
 * or SIGTERM), the worker stops gracefully: a step that finishes within a short grace is
 * recorded, the rest go back to "ready" with no attempt spent, and the run pauses. It
 * resumes when Baton next runs a worker on the same database: `npm run mcp` again (an
 * embedded data dir is locked by one process at a time, so the next server waits for this
 * one to let go), the web server, or `npm run worker`. A process killed outright leaves its
 * leases to expire; the next worker's rescuer returns those steps without spending a retry.
 */
import type { Db } from "../db/client";
import { DataDirInUseError } from "../db/data-dir-lock";
import { embeddedWorkerEnabled } from "../dispatch/embedded";
import { startWorkerHost, type WorkerHost } from "../dispatch/host";
import { workerConfigFromEnvOrThrow } from "../dispatch/worker-config";
import { engine } from "../engine/engine";
import { HttpError } from "../http/errors";

/** A client that closed stdin may kill us soon after: hand running steps back quickly. */
export const STDIO_GRACE_MS = 1500;
/** The previous `npm run mcp` may still be letting go of the data dir. */
const LOCK_WAIT_MS = 15_000;
const LOCK_RETRY_MS = 250;

export const STDIO_RUN_NOTE =
  "This Baton server runs the steps itself over stdio: if it exits before the run ends, the run pauses (its running steps go back to ready, no attempt spent) and resumes the next time Baton starts on this database (npm run mcp, the web server or npm run worker).";

export interface StdioBackend {
  db(): Promise<Db>;
  /** Starts opening (idempotent); failures are logged and retried by the next db() call. */
  start(): void;
  close(): Promise<void>;
  readonly hasWorker: boolean;
}

export function stdioBackend(openDb: () => Promise<Db>, log: (message: string, error?: unknown) => void): StdioBackend {
  const hasWorker = embeddedWorkerEnabled();
  let opening: Promise<{ db: Db; host: WorkerHost | null }> | null = null;
  let closed = false;

  async function openWaitingForLock(): Promise<Db> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        return await openDb();
      } catch (error) {
        if (!(error instanceof DataDirInUseError) || Date.now() >= deadline || closed) throw error;
        await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
      }
    }
  }

  function open() {
    opening ??= (async () => {
      const db = await openWaitingForLock();
      const host = hasWorker ? await startWorkerHost(db, engine, "embedded", { ...workerConfigFromEnvOrThrow(), graceMs: STDIO_GRACE_MS }) : null;
      log(`[baton mcp] database open (${db.driver}${host ? `, worker ${host.worker.id}` : ", no worker"})`);
      return { db, host };
    })().catch((error: unknown) => {
      opening = null;
      throw error;
    });
    return opening;
  }

  return {
    hasWorker,
    start() {
      open().catch((error: unknown) => log(`[baton mcp] could not open the database: ${error instanceof Error ? error.message : String(error)}`));
    },
    async db() {
      try {
        return (await open()).db;
      } catch (error) {
        // Tell the model why (the web server holds the data dir: use /api/mcp instead).
        if (error instanceof DataDirInUseError) throw new HttpError("conflict", error.message);
        throw error;
      }
    },
    async close() {
      closed = true;
      const opened = await opening?.catch(() => null);
      if (!opened) return;
      await opened.host?.stop().catch((error: unknown) => log("[baton mcp] worker stop failed", error));
      await opened.db.close().catch(() => {});
    },
  };
}
