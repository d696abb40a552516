/**
 * wait_for_run / wait_for_agent: wait for a run to end, bounded by `timeoutSec`, waking on
 * the run's NOTIFY (RUN_EVENTS_CHANNEL, payload = run id) with a poll as the fallback, and
 * sending notifications/progress when the client asked for them (a progressToken).
 */
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { subscribe } from "../db/notify";
import { RUN_EVENTS_CHANNEL } from "../engine/contract";
import type { Db } from "../db/client";
import type { RunRow } from "../db/schema";
import { isTerminalRunStatus } from "./format";
import { loadRunRowOrThrow } from "./run-view";
import { waitUntil } from "./wait";

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Default and ceiling for waits. MCP clients commonly give up on a request after 60 s unless
 * progress resets their timer, so the default stays under that; clients that send a
 * progressToken (and reset on progress) may wait much longer.
 */
export const DEFAULT_WAIT_SEC = 50;
export const MAX_WAIT_SEC = 3600;
const POLL_MS = 1000;
const PROGRESS_EVERY_MS = 1000;

export interface RunWait {
  run: RunRow;
  timedOut: boolean;
  waitedSec: number;
}

export async function waitForRunOrThrow(db: Db, runId: string, timeoutSec: number, extra: ToolExtra): Promise<RunWait> {
  const progressToken = extra._meta?.progressToken;
  let lastProgressAt = -Infinity;
  const result = await waitUntil<RunRow>({
    load: () => loadRunRowOrThrow(db.orm, runId),
    isDone: (run) => isTerminalRunStatus(run.status),
    timeoutMs: timeoutSec * 1000,
    pollMs: POLL_MS,
    signal: extra.signal,
    subscribe: (wake) =>
      subscribe(db, RUN_EVENTS_CHANNEL, (payload) => {
        if (payload === runId) wake();
      }),
    onPending: async (run, elapsedMs) => {
      if (progressToken === undefined || elapsedMs - lastProgressAt < PROGRESS_EVERY_MS) return;
      lastProgressAt = elapsedMs;
      await extra
        .sendNotification({
          method: "notifications/progress",
          params: {
            progressToken,
            progress: Math.round(elapsedMs / 100) / 10,
            total: timeoutSec,
            message: `run ${runId} is ${run.status} (${Math.round(elapsedMs / 1000)} s of at most ${timeoutSec} s)`,
          },
        })
        // A client that stopped listening doesn't make the wait fail.
        .catch(() => {});
    },
  });
  return { run: result.value, timedOut: result.timedOut, waitedSec: Math.round(result.waitedMs / 100) / 10 };
}
