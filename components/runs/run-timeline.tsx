"use client";
/**
 * The run's timeline: one lane per node, a bar per attempt (live bars grow with `now`), arena
 * contestants as sub-lanes, the winner starred, +/− counts on code steps' bars and the failure
 * reason beside failed bars; a fix loop's bar is split into its rounds (agent part, commit
 * part, check part); an attempt whose worker was lost is striped and says so. Hover shows
 * details (each round part's duration among them); click selects the step and attempt.
 */
import { Fragment, memo, useMemo } from "react";
import { liveKey, type AttemptDto, type StepDto } from "@/lib/client/run-types";
import { phaseLabel } from "@/lib/timeline/phases";
import { buildTimeline, formatDuration, timeScale, type TimelineBar } from "@/lib/timeline/lanes";
import type { RoundSegment } from "@/lib/kinds/loop/rounds";
import { lookOf } from "./status";

export interface TimelineSelection {
  stepId: string;
  attempt: number;
}

interface Props {
  steps: readonly StepDto[];
  attempts: readonly AttemptDto[];
  now: number;
  nodeOrder: readonly string[];
  selected: TimelineSelection | null;
  onSelect(selection: TimelineSelection): void;
  /** Running attempts' phases, by liveKey(stepId, attempt). */
  phases: ReadonlyMap<string, string>;
}

function barTitle(bar: TimelineBar, phase: string | undefined): string {
  const lines = [
    `${bar.key} · attempt ${bar.attempt} · ${bar.workerLost ? "worker lost" : bar.state}${phase ? ` (${phaseLabel(phase)})` : ""}${bar.winner ? " · winner" : ""}`,
    `${new Date(bar.start).toLocaleTimeString()} → ${bar.live ? "now" : new Date(bar.end).toLocaleTimeString()} (${formatDuration(bar.end - bar.start)})`,
  ];
  if (bar.additions !== null) lines.push(`+${bar.additions} −${bar.deletions ?? 0}`);
  if (bar.failure) lines.push(bar.failure);
  if (bar.reviewRound !== null) lines.push(`Review round ${bar.reviewRound}: answered ${bar.reviewComments} comment${bar.reviewComments === 1 ? "" : "s"}`);
  if (bar.workerLost) lines.push("The worker running it died or stalled; the step was retried without spending a retry.");
  for (const part of bar.rounds) lines.push(roundPartTitle(part));
  return lines.join("\n");
}

function roundPartTitle(part: RoundSegment): string {
  const took = formatDuration(part.end - part.start);
  if (part.part === "agent") {
    const diff = part.additions !== null ? ` +${part.additions} −${part.deletions ?? 0}` : "";
    return `round ${part.round} agent: ${part.live ? "running" : took}${diff}`;
  }
  if (part.part === "commit") return `round ${part.round} ${phaseLabel("committing")}: ${part.live ? "running" : took}`;
  return `round ${part.round} check: ${part.live ? "running" : `${part.verdict} (${took})`}`;
}

/** The text inside a round's part (clipped to its width; the bar's title has it in full). */
function roundPartLabel(part: RoundSegment): string {
  if (part.part === "agent") return `R${part.round}${part.additions !== null ? ` +${part.additions} −${part.deletions ?? 0}` : ""}`;
  if (part.part === "commit") return part.live ? "commit…" : `commit ${formatDuration(part.end - part.start)}`;
  return part.live ? "check…" : (part.verdict ?? "");
}

/**
 * A fix loop's rounds inside its bar: per round the agent's part (with the round's +/−), the
 * commit of its changes (with how long it took), and the check's part, green or red with its
 * exit code. Positions are fractions of the bar.
 */
function RoundParts({ bar }: { bar: TimelineBar }) {
  const span = Math.max(1, bar.end - bar.start);
  return (
    <>
      {bar.rounds.map((part) => {
        const left = ((part.start - bar.start) / span) * 100;
        const width = Math.max(0.5, ((part.end - part.start) / span) * 100);
        const look =
          part.part === "agent" ? "bg-sky-600" : part.part === "commit" ? "bg-slate-500" : part.live ? "bg-sky-800" : part.green ? "bg-emerald-700" : "bg-red-700";
        return (
          <span
            key={`${part.round}-${part.part}`}
            className={`absolute inset-y-0 flex items-center overflow-hidden whitespace-nowrap border-l border-white/60 px-0.5 text-[9px] font-medium ${look}`}
            style={{ left: `${left}%`, width: `${width}%` }}
            data-testid="timeline-round"
            data-round={part.round}
            data-part={part.part}
            data-exit-code={part.exitCode ?? undefined}
            data-duration-ms={part.live ? undefined : part.end - part.start}
            data-live={part.live ? "true" : "false"}
          >
            {roundPartLabel(part)}
          </span>
        );
      })}
    </>
  );
}

/** Diagonal stripes over the bar's colour: a lost worker is no verdict on the step. */
const WORKER_LOST_STRIPES = "repeating-linear-gradient(135deg, rgba(255,255,255,0.45) 0 3px, transparent 3px 6px)";

export const RunTimeline = memo(function RunTimeline({ steps, attempts, now, nodeOrder, selected, onSelect, phases }: Props) {
  const timeline = useMemo(() => buildTimeline(steps, attempts, now, nodeOrder), [steps, attempts, now, nodeOrder]);
  // Percent positions on a fluid track; bars use the first 78 %, leaving room after the
  // last bar of a lane for its +/− counts and failure reason.
  const scale = timeScale(timeline.start, timeline.end, 78, 0.4);
  const ticks = scale.ticks(6);
  return (
    <div className="select-none text-[12px]" data-testid="timeline">
      <div className="flex">
        <div className="w-44 shrink-0" />
        <div className="relative h-5 flex-1 border-b border-zinc-200">
          {ticks.map((tick) => (
            <span key={tick.t} className="absolute top-0 -translate-x-1/2 text-[10px] text-zinc-400" style={{ left: `${tick.x}%` }}>
              {tick.label}
            </span>
          ))}
        </div>
      </div>
      {timeline.lanes.map((lane) => (
        <div key={lane.nodeId} className="border-b border-zinc-100 py-1" data-testid="timeline-lane" data-node={lane.nodeId}>
          {lane.subLanes.map((sub, i) => (
            <div key={sub.key} className="flex h-7 items-center" data-testid="timeline-sublane" data-key={sub.key} data-winner={sub.winner ? "true" : undefined} data-loser={sub.loser ? "true" : undefined}>
              <div className="flex w-44 shrink-0 items-center gap-1 truncate pr-2">
                {i === 0 ? <span className="font-medium text-zinc-800">{lane.nodeId}</span> : <span className="pl-3 text-zinc-400">└</span>}
                {sub.role !== "node" ? <span className="truncate text-zinc-500">{sub.label}</span> : null}
                {sub.winner ? (
                  <span className="text-amber-500" title="winner" data-testid="timeline-winner">
                    ★
                  </span>
                ) : null}
                {sub.loser ? (
                  <span className="rounded bg-zinc-100 px-1 text-[10px] text-zinc-500" title="another contestant won" data-testid="timeline-loser">
                    lost
                  </span>
                ) : null}
              </div>
              <div className="relative h-full flex-1">
                {ticks.map((tick) => (
                  <span key={tick.t} className="absolute inset-y-0 w-px bg-zinc-100" style={{ left: `${tick.x}%` }} />
                ))}
                {sub.bars.map((bar, index) => {
                  const left = scale.x(bar.start);
                  const width = scale.width(bar.start, bar.end);
                  const isSelected = selected?.stepId === bar.stepId && selected.attempt === bar.attempt;
                  const phase = bar.live ? phases.get(liveKey(bar.stepId, bar.attempt)) : undefined;
                  // Notes go in the free space after the bar, up to the next attempt's bar (or
                  // the lane's edge), clipped there; the hover title has them in full.
                  const last = index === sub.bars.length - 1;
                  const next = last ? null : sub.bars[index + 1];
                  const notesRight = next ? `${100 - scale.x(next.start)}%` : 0;
                  const notes = (
                    <>
                      {bar.attempt > 1 ? <span className="text-zinc-400">#{bar.attempt}</span> : null}
                      {bar.reviewRound !== null ? (
                        <span
                          className="shrink-0 rounded bg-violet-100 px-1 text-[10px] font-medium text-violet-900"
                          data-testid="timeline-review-round"
                          title={`review round ${bar.reviewRound}: answered ${bar.reviewComments} comment${bar.reviewComments === 1 ? "" : "s"}`}
                        >
                          review {bar.reviewRound} · {bar.reviewComments} comment{bar.reviewComments === 1 ? "" : "s"}
                        </span>
                      ) : null}
                      {bar.additions !== null ? (
                        <span data-testid="timeline-diffstat">
                          <span className="text-emerald-700">+{bar.additions}</span> <span className="text-red-700">−{bar.deletions ?? 0}</span>
                        </span>
                      ) : null}
                      {bar.timedOut ? (
                        <span className="shrink-0 rounded bg-amber-100 px-1 text-[10px] font-medium text-amber-900" data-testid="timeline-timed-out">
                          timed out
                        </span>
                      ) : null}
                      {bar.failure && !bar.workerLost ? (
                        <span className="min-w-0 truncate text-red-700" data-testid="timeline-failure">
                          {bar.failure}
                        </span>
                      ) : null}
                    </>
                  );
                  return (
                    <Fragment key={bar.attempt}>
                      <button
                        type="button"
                        title={barTitle(bar, phase)}
                        onClick={() => onSelect({ stepId: bar.stepId, attempt: bar.attempt })}
                        data-testid="timeline-bar"
                        data-step-key={bar.key}
                        data-attempt={bar.attempt}
                        data-state={bar.state}
                        data-worker-lost={bar.workerLost ? "true" : undefined}
                        data-live={bar.live ? "true" : "false"}
                        data-phase={phase}
                        className={`absolute top-1.5 flex h-4 items-center overflow-hidden rounded-sm text-[10px] text-white ${
                          bar.workerLost ? "bg-amber-500" : lookOf(bar.state).bar
                        } ${bar.live ? "opacity-80" : ""} ${isSelected ? "ring-2 ring-zinc-900 ring-offset-1" : "hover:ring-2 hover:ring-zinc-400"}`}
                        style={{ left: `${left}%`, width: `${width}%`, ...(bar.workerLost ? { backgroundImage: WORKER_LOST_STRIPES } : {}) }}
                      >
                        {bar.rounds.length > 0 ? <RoundParts bar={bar} /> : null}
                        {phase && bar.rounds.length === 0 ? (
                          <span className="min-w-0 truncate px-1 font-medium" data-testid="timeline-phase" data-phase={phase}>
                            {phaseLabel(phase)}
                          </span>
                        ) : null}
                        {/* Inside the bar: the retry's bar usually starts right where this one ends. */}
                        {bar.workerLost ? (
                          <span className="min-w-0 truncate px-1 font-medium text-amber-950" data-testid="timeline-worker-lost">
                            worker lost
                          </span>
                        ) : null}
                      </button>
                      <span
                        className="pointer-events-none absolute top-1 flex h-5 items-center gap-1 overflow-hidden whitespace-nowrap pl-1 text-[10px] text-zinc-600"
                        style={{ left: `${left + width}%`, right: notesRight }}
                      >
                        {notes}
                      </span>
                    </Fragment>
                  );
                })}
              </div>
            </div>
          ))}
        </div>
      ))}
    </div>
  );
});
