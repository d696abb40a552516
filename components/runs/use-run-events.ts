"use client";
/**
 * The one place SSE events enter the client: opens an EventSource for a run and folds its
 * events into the TanStack Query cache — the run detail (states, usage, diff stats) and the
 * live stream state (text, tool calls, logs, live diff) — through the pure reducers.
 *
 * Invariants:
 * - Events are applied in batches once per animation frame, so ten streaming steps cost one
 *   render per frame, not one per event.
 * - Reconnects resume after the last applied id: EventSource sends Last-Event-ID itself; a
 *   fresh mount passes the cached live state's lastEventId as `?lastEventId=`.
 * - The reducers ignore ids already applied, so overlaps never double text.
 * - A step reaching a new state refetches the run detail (trailing, throttled) so stored
 *   output, prompt, archived attempts and the run's usage replace the streamed
 *   approximation. The refetched snapshot carries the cursor of the last event it reflects;
 *   the detail events received while it was read are folded on top of it (useRunDetail),
 *   and events at or below a detail's cursor never touch it again. So the detail always
 *   ends equal to a fresh load, whatever the order of snapshots and events.
 * - The server ends the stream when the run is over; the hook then closes the EventSource
 *   (no reconnect loop) and opens a new one if the run comes back to life (a re-run step).
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { applyLiveEvents, applyRunEvents, emptyLiveRun, parseRunEvent, prunePending, withPendingEvents } from "@/lib/client/run-events";
import { getRun, runKeys } from "@/lib/client/runs";
import { RUN_EVENT_TYPES } from "@/lib/contract/run";
import { isRunOver, type LiveRun, type RunDetail, type RunEvent } from "@/lib/client/run-types";


const REFETCH_AFTER_MS = 250;

/**
 * The run detail query: the server's snapshot, brought up to the detail events the stream
 * delivered while it was being read (those above its cursor). The stream drives updates; a
 * slow refetch while the run is live is the safety net.
 */
export function useRunDetail(runId: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: runKeys.detail(runId),
    queryFn: async () => withPendingEvents(await getRun(runId), queryClient.getQueryData<LiveRun>(runKeys.live(runId))),
    refetchInterval: (query) => (query.state.data && !isRunOver(query.state.data) ? 5_000 : false),
  });
}

/** `over`: undefined until the run detail has loaded, then whether the run is over (isRunOver). */
export function useRunEvents(runId: string, over: boolean | undefined): void {
  const queryClient = useQueryClient();
  const enabled = over !== undefined;
  const terminal = over === true;
  // Bumped to open a fresh stream; `ended` = the server closed it on a finished run.
  const [generation, setGeneration] = useState(0);
  const [ended, setEnded] = useState(false);
  useEffect(() => {
    if (ended && !terminal) {
      setEnded(false);
      setGeneration((g) => g + 1);
    }
  }, [ended, terminal]);
  useEffect(() => {
    if (!enabled) return;
    const cached = queryClient.getQueryData<LiveRun>(runKeys.live(runId));
    const after = cached?.lastEventId ?? 0;
    const source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events${after > 0 ? `?lastEventId=${after}` : ""}`);
    let queue: RunEvent[] = [];
    let frame: number | null = null;
    let refetchTimer: ReturnType<typeof setTimeout> | null = null;

    const refetchSoon = () => {
      if (refetchTimer) clearTimeout(refetchTimer);
      refetchTimer = setTimeout(() => {
        refetchTimer = null;
        void queryClient.invalidateQueries({ queryKey: runKeys.detail(runId) });
        void queryClient.invalidateQueries({ queryKey: ["runs", "list"], refetchType: "none" });
      }, REFETCH_AFTER_MS);
    };

    const flush = () => {
      frame = null;
      const batch = queue;
      queue = [];
      if (batch.length === 0) return;
      const detail = queryClient.setQueryData<RunDetail>(runKeys.detail(runId), (current) => (current ? applyRunEvents(current, batch) : current));
      // Detail events wait in the live state until a snapshot reflects them.
      queryClient.setQueryData<LiveRun>(runKeys.live(runId), (live) =>
        prunePending(applyLiveEvents(live ?? emptyLiveRun(), batch), detail?.snapshotCursor ?? 0),
      );
      if (batch.some((e) => e.type === "step-state" || e.type === "run-state")) refetchSoon();
    };

    const onEvent = (message: MessageEvent<string>) => {
      const event = parseRunEvent(message.data);
      if (!event) return;
      queue.push(event);
      if (frame !== null) return;
      // Hidden tabs get no animation frames; a timer keeps the cache current there.
      frame = document.hidden ? window.setTimeout(flush, 100) : window.requestAnimationFrame(flush);
    };

    for (const type of RUN_EVENT_TYPES) source.addEventListener(type, onEvent);
    source.onerror = () => {
      // The server ends the stream once the run is over; don't let EventSource reconnect forever.
      if (frame !== null) {
        window.cancelAnimationFrame(frame);
        window.clearTimeout(frame);
      }
      flush();
      const detail = queryClient.getQueryData<RunDetail>(runKeys.detail(runId));
      if (detail && isRunOver(detail)) {
        source.close();
        setEnded(true);
      }
    };

    return () => {
      source.close();
      if (frame !== null) {
        window.cancelAnimationFrame(frame);
        window.clearTimeout(frame);
      }
      flush();
      // A refetch still owed is done now rather than dropped: it may be the one that brings
      // the stored results of the last state change.
      if (refetchTimer) {
        clearTimeout(refetchTimer);
        void queryClient.invalidateQueries({ queryKey: runKeys.detail(runId) });
      }
    };
    // `generation` re-opens the stream; `enabled` gates the first open only.
  }, [runId, enabled, generation, queryClient]);
}
