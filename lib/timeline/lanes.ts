/**
 * The run timeline's model: steps + archived attempts → lanes → bars, and the time scale.
 * Pure: the clock (`now`) is an argument, so live bars "grow" by re-computing with a later now.
 *
 * Glossary:
 * - lane: one node of the flow, in flow order; an arena lane has one sub-lane per contestant
 *   (side by side, stacked) plus one for its select step.
 * - bar: one attempt of one step, from its start to its end; a running attempt ends at `now`.
 *
 * Invariants:
 * - Each (step, attempt) yields at most one bar; the steps row (the current attempt) wins
 *   over its archived copy, because it is the fresher of the two while the step runs.
 * - Attempts that never started (no startedAt) have no bar.
 * - An attempt whose worker was lost (the rescuer archived it with detail.workerLost) is a
 *   "worker lost" bar: the infrastructure failed, not the step.
 */
import type { AttemptDto, StepDto } from "../client/run-types";
import { roundSegments, roundsOf, type RoundSegment } from "../kinds/loop/rounds";

export interface TimelineBar {
  stepId: string;
  key: string;
  attempt: number;
  state: string;
  start: number;
  end: number;
  live: boolean;
  additions: number | null;
  deletions: number | null;
  /** Why it failed (failed/canceled bars), first line only. */
  failure: string | null;
  /** Its worker died or stalled and the lease expired: retried, not the step's fault. */
  workerLost: boolean;
  /** The attempt ran out of time (its node's, profile's or the default timeout). */
  timedOut: boolean;
  /** The review round this attempt answered (detail.review.round), null when it was no round. */
  reviewRound: number | null;
  /** How many review comments it answered. */
  reviewComments: number;
  winner: boolean;
  /** A fix loop's rounds inside the bar: each round's agent part, commit part and check part. */
  rounds: RoundSegment[];
}

export interface SubLane {
  key: string;
  label: string;
  role: StepDto["role"];
  winner: boolean;
  /** A contestant of an arena whose winner is another. */
  loser: boolean;
  bars: TimelineBar[];
}

export interface Lane {
  nodeId: string;
  kind: string;
  subLanes: SubLane[];
}

export interface Timeline {
  lanes: Lane[];
  start: number;
  end: number;
}

const ms = (iso: string | null): number | null => (iso ? Date.parse(iso) : null);

function firstLine(text: string | null): string | null {
  if (!text) return null;
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

/** detail.review is how a review round (lib/review) marks the attempt that answers it. */
function reviewOf(detail: Record<string, unknown> | null): { reviewRound: number | null; reviewComments: number } {
  const review = detail?.review as { round?: unknown; comments?: unknown } | undefined;
  if (!review || typeof review.round !== "number") return { reviewRound: null, reviewComments: 0 };
  return { reviewRound: review.round, reviewComments: Array.isArray(review.comments) ? review.comments.length : 0 };
}

/** detail.reason "timed_out" is how the engine and the worker record a timeout. */
function timedOut(attempt: { state: string; detail: Record<string, unknown> | null }): boolean {
  return attempt.state === "failed" && attempt.detail?.reason === "timed_out";
}

function subLaneLabel(step: StepDto): string {
  if (step.role === "select") return "select";
  if (step.role === "contestant") {
    const profile = typeof step.spec.profile === "string" ? step.spec.profile : "";
    const index = step.key.split("#")[1] ?? "";
    return `#${index}${profile ? ` ${profile}` : ""}`;
  }
  return step.nodeId;
}

export function buildTimeline(
  steps: readonly StepDto[],
  attempts: readonly AttemptDto[],
  now: number,
  nodeOrder: readonly string[] = [],
): Timeline {
  const winners = new Set(steps.flatMap((s) => (s.role === "select" && s.winner ? [s.winner] : [])));
  // Arenas whose select step has picked: their other contestants lost.
  const decided = new Set(steps.flatMap((s) => (s.role === "select" && s.winner ? [s.nodeId] : [])));
  const barsByStep = new Map<string, Map<number, TimelineBar>>();
  const put = (stepId: string, bar: TimelineBar) => {
    const map = barsByStep.get(stepId) ?? new Map<number, TimelineBar>();
    map.set(bar.attempt, bar);
    barsByStep.set(stepId, map);
  };
  const stepById = new Map(steps.map((s) => [s.id, s]));

  for (const attempt of attempts) {
    const step = stepById.get(attempt.stepId);
    const start = ms(attempt.startedAt);
    if (!step || start === null) continue;
    const end = ms(attempt.finishedAt);
    const barEnd = end ?? Math.max(start, now);
    put(attempt.stepId, {
      stepId: attempt.stepId,
      key: step.key,
      attempt: attempt.attempt,
      state: attempt.state,
      start,
      end: end ?? Math.max(start, now),
      live: end === null && attempt.state === "running",
      additions: attempt.diffStats?.additions ?? null,
      deletions: attempt.diffStats?.deletions ?? null,
      failure: attempt.state === "failed" || attempt.state === "canceled" ? firstLine(attempt.error) : null,
      workerLost: Boolean(attempt.detail.workerLost),
      timedOut: timedOut(attempt),
      ...reviewOf(attempt.detail),
      winner: false,
      rounds: segmentsWithin(attempt.detail, attempt.attempt, now, end === null ? null : barEnd),
    });
  }
  for (const step of steps) {
    const start = ms(step.startedAt);
    if (start === null || step.attempt < 1) continue;
    const end = ms(step.finishedAt);
    const live = step.state === "running" || (end === null && step.state !== "waiting" && step.state !== "canceled");
    put(step.id, {
      stepId: step.id,
      key: step.key,
      attempt: step.attempt,
      state: step.state,
      start,
      end: end ?? Math.max(start, now),
      live: live && end === null,
      additions: step.diffStats?.additions ?? null,
      deletions: step.diffStats?.deletions ?? null,
      failure: step.state === "failed" || step.state === "canceled" ? firstLine(step.error) : null,
      workerLost: false,
      timedOut: timedOut(step),
      ...reviewOf(step.detail),
      winner: false,
      rounds: segmentsWithin(step.detail, step.attempt, now, end),
    });
  }

  const order = orderNodes(steps, nodeOrder);
  const lanes: Lane[] = order.map((nodeId) => {
    const nodeSteps = steps
      .filter((s) => s.nodeId === nodeId)
      .sort((a, b) => roleRank(a) - roleRank(b) || contestantIndex(a) - contestantIndex(b));
    return {
      nodeId,
      kind: nodeSteps[0]?.kind ?? "agent",
      subLanes: nodeSteps.map((step) => {
        const winner = winners.has(step.key);
        const bars = [...(barsByStep.get(step.id)?.values() ?? [])]
          .sort((a, b) => a.attempt - b.attempt)
          .map((bar) => (winner && bar.attempt === step.attempt ? { ...bar, winner: true } : bar));
        const loser = step.role === "contestant" && !winner && decided.has(step.nodeId);
        return { key: step.key, label: subLaneLabel(step), role: step.role, winner, loser, bars };
      }),
    };
  });

  const allBars = lanes.flatMap((l) => l.subLanes.flatMap((s) => s.bars));
  const start = allBars.length > 0 ? Math.min(...allBars.map((b) => b.start)) : now;
  const end = allBars.length > 0 ? Math.max(...allBars.map((b) => b.end)) : now;
  return { lanes, start, end: Math.max(end, start + 1) };
}

/** An attempt's round segments; an ended attempt's parts end by its end (none keeps running). */
function segmentsWithin(detail: Record<string, unknown>, attempt: number, now: number, ended: number | null): RoundSegment[] {
  const segments = roundSegments(roundsOf(detail, attempt), now);
  return ended === null ? segments : segments.map((s) => (s.live ? { ...s, end: Math.max(s.start, Math.min(s.end, ended)), live: false } : s));
}

const roleRank = (s: StepDto) => (s.role === "contestant" ? 0 : s.role === "node" ? 0 : 1);
const contestantIndex = (s: StepDto) => Number(s.key.split("#")[1] ?? 0);

/** Nodes in the given order (the flow's), then any others in first-seen step order. */
function orderNodes(steps: readonly StepDto[], nodeOrder: readonly string[]): string[] {
  const present = new Set(steps.map((s) => s.nodeId));
  const out = nodeOrder.filter((id) => present.has(id));
  for (const step of steps) if (!out.includes(step.nodeId)) out.push(step.nodeId);
  return out;
}

/** Maps times to x positions in [0, width]; `ticks` gives round-number gridlines. */
export interface TimeScale {
  x(t: number): number;
  width(start: number, end: number): number;
  ticks(count: number): Array<{ t: number; x: number; label: string }>;
}

export function timeScale(start: number, end: number, pixels: number, minBarPixels = 2): TimeScale {
  const span = Math.max(1, end - start);
  const x = (t: number) => ((Math.min(Math.max(t, start), end) - start) / span) * pixels;
  return {
    x,
    width: (a, b) => Math.max(minBarPixels, x(b) - x(a)),
    ticks(count) {
      const step = niceStep(span / Math.max(1, count));
      const out: Array<{ t: number; x: number; label: string }> = [];
      for (let offset = 0; offset <= span; offset += step) out.push({ t: start + offset, x: x(start + offset), label: formatDuration(offset) });
      return out;
    },
  };
}

const NICE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];

function niceStep(raw: number): number {
  return NICE.find((n) => n >= raw) ?? Math.ceil(raw / 3_600_000) * 3_600_000;
}

/** "850ms", "4.2s", "3m 05s", "1h 02m". */
export function formatDuration(milliseconds: number): string {
  const value = Math.max(0, Math.round(milliseconds));
  if (value < 1000) return `${value}ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(value < 10_000 ? 1 : 0)}s`;
  const totalSeconds = Math.floor(value / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)}m ${String(totalSeconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(totalSeconds / 3600)}h ${String(Math.floor((totalSeconds % 3600) / 60)).padStart(2, "0")}m`;
}
