"use client";
/**
 * The run page: header with run actions, the live graph, the timeline and the step panel.
 * Server state comes only from TanStack Query (run detail + live stream state); the one SSE
 * hook keeps both current.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { flowKeys, getVersion } from "@/lib/client/flows";
import { cancelRun, rerunRun, runKeys } from "@/lib/client/runs";
import { emptyLiveRun } from "@/lib/client/run-events";
import { isRunOver, TERMINAL_RUN, type LiveRun, type RunDetail, type StepDto } from "@/lib/client/run-types";
import { formatDuration } from "@/lib/timeline/lanes";
import { nodeOverlays, stepForNode } from "@/lib/timeline/node-status";
import { configsKey, runConfigs } from "@/lib/timeline/run-config";
import { runningPhases } from "@/lib/timeline/phases";
import { buttonClass, ErrorNote } from "./dialog";
import { DeleteRunRefs } from "./delete-run-refs";
import { ResultCard } from "./result-card";
import { RunGraph } from "./run-graph";
import { RunTimeline, type TimelineSelection } from "./run-timeline";
import { formatCost, formatTokens, StateBadge } from "./status";
import { StepPanel } from "./step-panel";
import { useNow } from "./use-now";
import { useRunAction } from "./use-run-action";
import { useRunDetail, useRunEvents } from "./use-run-events";

const ATTENTION = ["failed", "waiting", "running"] as const;

/** The step to show first: the one needing attention, else the first. */
function defaultStep(steps: readonly StepDto[]): StepDto | undefined {
  for (const state of ATTENTION) {
    const found = steps.find((s) => s.state === state);
    if (found) return found;
  }
  return steps[0];
}

function RunHeader({ run, now }: { run: RunDetail; now: number }) {
  const router = useRouter();
  const cancel = useRunAction(run.id, () => cancelRun(run.id));
  const rerun = useRunAction(run.id, () => rerunRun(run.id));
  const terminal = TERMINAL_RUN.includes(run.status);
  const started = run.startedAt ? Date.parse(run.startedAt) : null;
  const duration = started ? (run.finishedAt ? Date.parse(run.finishedAt) : now) - started : null;
  return (
    <div className="flex flex-wrap items-center gap-3 border-b border-zinc-200 bg-white px-4 py-2">
      {/* No prefetch: parsing another page's payload costs a 50–80 ms frame while the run streams. */}
      <Link
        href={`/flows/${encodeURIComponent(run.flowId)}`}
        prefetch={false}
        className="font-semibold text-zinc-900 hover:underline"
        data-testid="run-flow-link"
      >
        {run.flowName || run.flowId}
      </Link>
      <span className="text-[12px] text-zinc-500">v{run.flowVersion}</span>
      <span data-testid="run-status" data-status={run.status}>
        <StateBadge state={run.status} />
      </span>
      <span className="font-mono text-[11px] text-zinc-400">{run.id}</span>
      <span className="text-[12px] tabular-nums text-zinc-600">{duration !== null ? formatDuration(duration) : "not started"}</span>
      <span className="text-[12px] text-zinc-600" data-testid="run-usage">
        tokens {formatTokens(run.usage)} · cost {formatCost(run.usage.costUsd)}
      </span>
      {run.error ? <span className="max-w-md truncate text-[12px] text-red-700" title={run.error}>{run.error}</span> : null}
      <div className="ml-auto flex items-center gap-2">
        <ErrorNote error={cancel.error ?? rerun.error} />
        {!terminal ? (
          <button type="button" className={buttonClass.danger} disabled={cancel.isPending} onClick={() => cancel.mutate(undefined)} data-testid="cancel-run">
            Cancel run
          </button>
        ) : (
          <button
            type="button"
            className={buttonClass.secondary}
            disabled={rerun.isPending}
            onClick={() => rerun.mutate(undefined, { onSuccess: (created) => router.push(`/runs/${encodeURIComponent(created.id)}`) })}
            data-testid="rerun-run"
          >
            Re-run whole run
          </button>
        )}
        <DeleteRunRefs runId={run.id} busy={!terminal || run.steps.some((s) => s.state === "running")} />
        <Link href={`/runs?flowId=${encodeURIComponent(run.flowId)}`} prefetch={false} className="text-[12px] text-zinc-500 hover:text-zinc-900">
          All runs of this flow
        </Link>
      </div>
    </div>
  );
}

export function RunPage({ runId }: { runId: string }) {
  const detail = useRunDetail(runId);
  const queryClient = useQueryClient();
  // Written only by useRunEvents; the queryFn returns what is cached, so a refetch never wipes it.
  const live = useQuery<LiveRun>({
    queryKey: runKeys.live(runId),
    queryFn: () => queryClient.getQueryData<LiveRun>(runKeys.live(runId)) ?? emptyLiveRun(),
    staleTime: Infinity,
    gcTime: 10 * 60_000,
  });
  useRunEvents(runId, detail.data ? isRunOver(detail.data) : undefined);
  const run = detail.data;
  const active = !!run && (!TERMINAL_RUN.includes(run.status) || run.steps.some((s) => s.state === "running"));
  const now = useNow(active, 250);
  const [selection, setSelection] = useState<{ stepId: string; attempt: number | null } | null>(null);
  // The first step shown is the one needing attention when the page opened; after that the
  // selection stays put (a re-run or a new failure elsewhere doesn't yank the panel away).
  const firstDefault = run ? defaultStep(run.steps)?.id : undefined;
  useEffect(() => {
    if (selection === null && firstDefault) setSelection({ stepId: firstDefault, attempt: null });
  }, [selection, firstDefault]);

  // The run is pinned to a flow version; versions are immutable, so this is fetched once.
  const version = useQuery({
    queryKey: flowKeys.version(run?.flowId ?? "", run?.flowVersion ?? 0),
    queryFn: () => getVersion(run!.flowId, run!.flowVersion),
    enabled: !!run,
    staleTime: Infinity,
  });
  const doc = version.data?.document ?? null;
  const nodeOrder = useMemo(() => doc?.nodes.map((n) => n.id) ?? [], [doc]);
  const overlays = useMemo(() => nodeOverlays(run?.steps ?? [], now), [run?.steps, now]);
  // What each node runs with now (a re-run with changes stores its new spec on the step);
  // memoized on its text so the graph re-renders only when a config really changes.
  const configsText = doc && run ? configsKey(runConfigs(doc, run.steps)) : "[]";
  const configs = useMemo(() => new Map<string, Record<string, unknown>>(JSON.parse(configsText)), [configsText]);
  const selectedStep = run ? (run.steps.find((s) => s.id === selection?.stepId) ?? defaultStep(run.steps)) : undefined;
  const selectedAttempt = selectedStep ? (selection?.stepId === selectedStep.id && selection.attempt !== null ? selection.attempt : selectedStep.attempt) : 0;
  // Clicking a step's latest bar follows the step (a re-run moves the panel to the new
  // attempt); clicking an earlier bar pins that attempt.
  const onSelectBar = useCallback(
    (s: TimelineSelection) => {
      const step = run?.steps.find((x) => x.id === s.stepId);
      setSelection({ stepId: s.stepId, attempt: step && s.attempt >= step.attempt ? null : s.attempt });
    },
    [run],
  );
  const onSelectNode = useCallback(
    (nodeId: string) => {
      const step = run ? stepForNode(run.steps, nodeId) : undefined;
      if (step) setSelection({ stepId: step.id, attempt: null });
    },
    [run],
  );
  // Only a phase change re-renders the timeline, not every streamed chunk.
  const phaseList = run ? [...runningPhases(live.data, run.steps.filter((s) => s.state === "running"))].map(([k, p]) => `${k}=${p}`).join(",") : "";
  const phases = useMemo(() => new Map(phaseList ? phaseList.split(",").map((entry) => entry.split("=") as [string, string]) : []), [phaseList]);
  const timelineSelection = useMemo(
    () => (selectedStep ? { stepId: selectedStep.id, attempt: selectedAttempt } : null),
    [selectedStep, selectedAttempt],
  );

  if (detail.isPending) return <div className="p-6 text-[13px] text-zinc-500">Loading run…</div>;
  if (detail.isError || !run) return <div className="p-6"><ErrorNote error={detail.error ?? new Error("run not found")} /></div>;
  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="run-page">
      <RunHeader run={run} now={now} />
      <div className="flex min-h-0 flex-1">
        <div className="flex min-w-0 flex-1 flex-col border-r border-zinc-200">
          <div className="h-[42%] min-h-[200px] border-b border-zinc-200 bg-zinc-50" data-testid="run-graph">
            {doc ? (
              <RunGraph doc={doc} configs={configs} overlays={overlays} selectedNodeId={selectedStep?.nodeId ?? null} onSelectNode={onSelectNode} />
            ) : version.isError ? (
              <div className="p-4"><ErrorNote error={version.error} /></div>
            ) : (
              <div className="p-4 text-[12px] text-zinc-400">Loading the flow graph…</div>
            )}
          </div>
          <div className="min-h-0 flex-1 overflow-auto p-3">
            <ResultCard run={run} />
            <RunTimeline steps={run.steps} attempts={run.attempts} now={now} nodeOrder={nodeOrder} selected={timelineSelection} onSelect={onSelectBar} phases={phases} />
          </div>
        </div>
        <div className="w-[44%] min-w-[360px] overflow-auto bg-white">
          {selectedStep ? (
            <StepPanel
              run={run}
              step={selectedStep}
              attempt={selectedAttempt}
              live={live.data}
              now={now}
              onSelectAttempt={(attempt) => setSelection({ stepId: selectedStep.id, attempt })}
            />
          ) : (
            <div className="p-4 text-[12px] text-zinc-400">No steps.</div>
          )}
        </div>
      </div>
    </div>
  );
}
