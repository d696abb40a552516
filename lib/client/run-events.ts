/**
 * Folds Server-Sent run events into the cached run detail and the live (stream-only) state.
 *
 * Pure: no React, no fetch. The hook (components/runs/use-run-events.ts) calls these inside
 * `queryClient.setQueryData`.
 *
 * Invariants:
 * - Idempotent per event id: `applyLiveEvent` ignores ids at or below `lastEventId`, so a
 *   replay after reconnect or a doubled delivery changes nothing.
 * - Unknown event types and malformed data are ignored (the server may be newer than the
 *   page); they never throw.
 * - Events of an older attempt never overwrite the step's current attempt.
 * - The run detail converges to what a fresh load shows: `applyRunEvent` folds only events
 *   above the detail's `eventCursor` (a snapshot already reflects everything up to its
 *   cursor, so an event replayed or delivered late never rolls it back), and a step-state
 *   event changes exactly the fields the server's own transition changed (a claim clears the
 *   previous attempt's results, a reset clears them too, a select carries its winner).
 *   What events don't carry (stored output, archived attempts, the run's usage) comes with
 *   the refetch each state change triggers; `withPendingEvents` brings that snapshot up to
 *   the events received while it was being read.
 */
import { z } from "zod";
import { diffStatsSchema, RUN_STATUSES, runEventSchema, STEP_STATES, usageSchema as wireUsageSchema } from "../contract/run";
import { loopRoundSchema, roundsOf, withRound } from "../kinds/loop/rounds";
import {
  liveKey,
  TERMINAL_RUN,
  TERMINAL_STEP,
  type AttemptLive,
  type DiffStatsDto,
  type LiveRun,
  type RunDetail,
  type RunEvent,
  type StepDto,
  type ToolCallView,
  type UsageDto,
} from "./run-types";

const usageSchema = wireUsageSchema.loose();

const stepStateData = z
  .object({
    state: z.enum(STEP_STATES),
    attempt: z.number().int().optional(),
    error: z.string().nullish(),
    winner: z.string().nullish(),
    from: z.enum(STEP_STATES).optional(),
    reset: z.boolean().optional(),
  })
  .loose();
const phaseData = z.object({ phase: z.string() }).loose();

/** Events that change the run detail (the rest only feed the live stream state). */
export const DETAIL_EVENT_TYPES: ReadonlySet<string> = new Set(["step-state", "run-state", "usage-report", "diff-update", "loop-round"]);
const runStateData = z.object({ status: z.enum(RUN_STATUSES), error: z.string().nullish() }).loose();
const textData = z.object({ text: z.string() }).loose();
const contentSchema = z.array(
  z.union([
    z.object({ type: z.literal("diff"), path: z.string(), oldText: z.string().nullish(), newText: z.string() }).loose(),
    z.object({ type: z.literal("text"), text: z.string() }).loose(),
  ]),
);
const toolStatus = z.enum(["pending", "in_progress", "completed", "failed"]);
const toolCallData = z
  .object({
    toolCallId: z.string(),
    title: z.string().optional(),
    kind: z.string().optional(),
    status: toolStatus.optional(),
    locations: z.array(z.string()).optional(),
    content: contentSchema.optional(),
    rawInput: z.unknown().optional(),
    rawOutput: z.unknown().optional(),
  })
  .loose();
const planData = z.object({ entries: z.array(z.object({ content: z.string(), status: z.string() }).loose()) }).loose();
const logData = z.object({ stream: z.string().optional(), text: z.string() }).loose();
const usageData = z.object({ usage: usageSchema }).loose();
const diffData = z
  .object({ diff: z.string().nullish(), stats: diffStatsSchema.nullish(), diffStats: diffStatsSchema.nullish() })
  .loose();

export const emptyLiveRun = (): LiveRun => ({ lastEventId: 0, attempts: {}, pending: [] });

function emptyAttempt(stepId: string, attempt: number): AttemptLive {
  return { stepId, attempt, text: "", thought: "", toolCalls: [], logs: [], plan: [], diff: null, diffStats: null, usage: null, phase: null };
}

/** An exit code reported in a tool call's raw output, under the names backends use. */
export function exitCodeOf(rawOutput: unknown): number | null {
  if (!rawOutput || typeof rawOutput !== "object") return null;
  const record = rawOutput as Record<string, unknown>;
  for (const name of ["exitCode", "exit_code", "code", "status"]) {
    const value = record[name];
    if (typeof value === "number" && Number.isInteger(value)) return value;
  }
  return null;
}

function mergeToolCall(existing: ToolCallView | undefined, data: z.infer<typeof toolCallData>): ToolCallView {
  const base: ToolCallView = existing ?? {
    id: data.toolCallId,
    title: data.toolCallId,
    kind: "other",
    status: "pending",
    locations: [],
    texts: [],
    edits: [],
    rawInput: undefined,
    rawOutput: undefined,
    exitCode: null,
  };
  const next: ToolCallView = { ...base };
  if (data.title !== undefined) next.title = data.title;
  if (data.kind !== undefined) next.kind = data.kind;
  if (data.status !== undefined) next.status = data.status;
  if (data.locations !== undefined) next.locations = data.locations;
  if (data.rawInput !== undefined) next.rawInput = data.rawInput;
  if (data.rawOutput !== undefined) {
    next.rawOutput = data.rawOutput;
    next.exitCode = exitCodeOf(data.rawOutput) ?? next.exitCode;
  }
  if (data.content !== undefined) {
    // ACP semantics: an update's content replaces the tool call's content.
    next.texts = data.content.flatMap((c) => (c.type === "text" ? [c.text] : []));
    next.edits = data.content.flatMap((c) =>
      c.type === "diff" ? [{ path: c.path, oldText: c.oldText ?? null, newText: c.newText }] : [],
    );
  }
  return next;
}

function applyToAttempt(attempt: AttemptLive, event: RunEvent): AttemptLive {
  switch (event.type) {
    case "text-chunk":
    case "thought-chunk": {
      const parsed = textData.safeParse(event.data);
      if (!parsed.success) return attempt;
      return event.type === "text-chunk"
        ? { ...attempt, text: attempt.text + parsed.data.text }
        : { ...attempt, thought: attempt.thought + parsed.data.text };
    }
    case "tool-call":
    case "tool-call-update": {
      const parsed = toolCallData.safeParse(event.data);
      if (!parsed.success) return attempt;
      const index = attempt.toolCalls.findIndex((t) => t.id === parsed.data.toolCallId);
      const merged = mergeToolCall(index >= 0 ? attempt.toolCalls[index] : undefined, parsed.data);
      const toolCalls = index >= 0 ? attempt.toolCalls.with(index, merged) : [...attempt.toolCalls, merged];
      return { ...attempt, toolCalls };
    }
    case "plan": {
      const parsed = planData.safeParse(event.data);
      if (!parsed.success) return attempt;
      return { ...attempt, plan: parsed.data.entries.map((e) => ({ content: e.content, status: e.status })) };
    }
    case "log-line": {
      const parsed = logData.safeParse(event.data);
      if (!parsed.success) return attempt;
      return { ...attempt, logs: [...attempt.logs, { stream: parsed.data.stream ?? "info", text: parsed.data.text }] };
    }
    case "usage-report": {
      const parsed = usageData.safeParse(event.data);
      if (!parsed.success) return attempt;
      return { ...attempt, usage: parsed.data.usage };
    }
    case "diff-update": {
      const parsed = diffData.safeParse(event.data);
      if (!parsed.success) return attempt;
      return {
        ...attempt,
        diff: parsed.data.diff ?? attempt.diff,
        diffStats: parsed.data.stats ?? parsed.data.diffStats ?? attempt.diffStats,
      };
    }
    case "step-phase": {
      const parsed = phaseData.safeParse(event.data);
      if (!parsed.success) return attempt;
      return { ...attempt, phase: parsed.data.phase };
    }
    default:
      return attempt;
  }
}

/** Folds one event into the stream-only state. Returns the same object when nothing changed. */
export function applyLiveEvent(live: LiveRun, event: RunEvent): LiveRun {
  if (event.id <= live.lastEventId) return live;
  const pending = DETAIL_EVENT_TYPES.has(event.type) ? [...live.pending, event] : live.pending;
  if (!event.stepId || event.type === "step-state" || event.type === "run-state") {
    return { ...live, lastEventId: event.id, pending };
  }
  const key = liveKey(event.stepId, event.attempt);
  const before = live.attempts[key] ?? emptyAttempt(event.stepId, event.attempt);
  const after = applyToAttempt(before, event);
  return { lastEventId: event.id, attempts: { ...live.attempts, [key]: after }, pending };
}

/** Drops pending detail events a snapshot at `cursor` already reflects. */
export function prunePending(live: LiveRun, cursor: number): LiveRun {
  if (!live.pending.some((e) => e.id <= cursor)) return live;
  return { ...live, pending: live.pending.filter((e) => e.id > cursor) };
}

/** A freshly fetched snapshot brought up to the detail events received meanwhile. */
export function withPendingEvents(snapshot: RunDetail, live: LiveRun | undefined): RunDetail {
  return live ? applyRunEvents(snapshot, live.pending) : snapshot;
}

export function applyLiveEvents(live: LiveRun, events: readonly RunEvent[]): LiveRun {
  return events.reduce(applyLiveEvent, live);
}

/**
 * Folds one event into the cached run detail: step states, attempts, run status, usage,
 * diff stats and a fix loop's rounds. Text, tool calls and logs live in LiveRun only (the detail holds stored rows).
 * Events at or below the detail's eventCursor are already reflected and change nothing.
 */
export function applyRunEvent(run: RunDetail, event: RunEvent): RunDetail {
  if (event.id <= run.eventCursor) return run;
  const next = foldRunEvent(run, event);
  // An event that changes nothing leaves the same object (no render), cursor included.
  return next === run ? run : { ...next, eventCursor: event.id };
}

/** What a claim (new attempt) or a reset clears on the step row, as the server does. */
const CLEARED_RESULTS = {
  output: null,
  outputTruncated: false,
  summary: null,
  error: null,
  winner: null,
  usage: {},
  diff: null,
  diffStats: null,
  resultCommit: null,
  finishedAt: null,
} satisfies Partial<StepDto>;

function foldStepState(step: StepDto, event: RunEvent, data: z.infer<typeof stepStateData>): StepDto {
  const attempt = data.attempt ?? event.attempt;
  if (attempt < step.attempt) return step;
  const state = data.state;
  let next: StepDto = { ...step, state, attempt };
  if (attempt > step.attempt) {
    // A claim: the new attempt starts with nothing of the previous one's results.
    next = { ...next, ...CLEARED_RESULTS, startedAt: state === "running" ? event.createdAt : null };
  } else if (data.reset) {
    // A re-run (or a descendant of one): back to pending/ready with no results.
    next = { ...next, ...CLEARED_RESULTS, detail: {}, branch: null, startedAt: null, cancelRequested: false };
  }
  if (state === "running" && !next.startedAt) next = { ...next, startedAt: event.createdAt };
  if (TERMINAL_STEP.includes(state) || (state === "ready" && step.state === "running")) {
    // Terminal, or a failed attempt going back to ready for its retry: the attempt ended.
    next = { ...next, finishedAt: next.finishedAt ?? event.createdAt };
  }
  if (data.error !== undefined) next = { ...next, error: data.error ?? null };
  if (data.winner) next = { ...next, winner: data.winner };
  return next;
}

function foldRunEvent(run: RunDetail, event: RunEvent): RunDetail {
  if (event.type === "run-state") {
    const parsed = runStateData.safeParse(event.data);
    if (!parsed.success || run.status === parsed.data.status) return run;
    const terminal = TERMINAL_RUN.includes(parsed.data.status);
    return {
      ...run,
      status: parsed.data.status,
      error: parsed.data.error ?? null,
      startedAt: run.startedAt ?? event.createdAt,
      finishedAt: terminal ? (run.finishedAt ?? event.createdAt) : null,
    };
  }
  if (!event.stepId) return run;
  const index = run.steps.findIndex((s) => s.id === event.stepId);
  if (index < 0) return run;
  const step = run.steps[index];
  // An event from an attempt older than the one the detail already shows is history.
  if (event.attempt < step.attempt && event.type !== "step-state") return run;
  let next = step;
  switch (event.type) {
    case "step-state": {
      const parsed = stepStateData.safeParse(event.data);
      if (!parsed.success) return run;
      next = foldStepState(step, event, parsed.data);
      break;
    }
    case "usage-report": {
      const parsed = usageData.safeParse(event.data);
      if (!parsed.success || event.attempt !== step.attempt) return run;
      next = { ...step, usage: parsed.data.usage as UsageDto };
      break;
    }
    case "diff-update": {
      const parsed = diffData.safeParse(event.data);
      if (!parsed.success || event.attempt !== step.attempt) return run;
      const stats: DiffStatsDto | null = parsed.data.stats ?? parsed.data.diffStats ?? step.diffStats;
      next = { ...step, diff: parsed.data.diff ?? step.diff, diffStats: stats };
      break;
    }
    case "loop-round": {
      // A fix loop's round, as the executor also wrote it to the row's detail.rounds.
      const parsed = loopRoundSchema.safeParse(event.data);
      if (!parsed.success || event.attempt !== step.attempt) return run;
      next = { ...step, detail: { ...step.detail, rounds: withRound(roundsOf(step.detail, step.attempt), parsed.data) } };
      break;
    }
    default:
      return run;
  }
  return next === step ? run : { ...run, steps: run.steps.with(index, next) };
}

export function applyRunEvents(run: RunDetail, events: readonly RunEvent[]): RunDetail {
  return events.reduce(applyRunEvent, run);
}


/** Parses one SSE message's data; null when it is not a run event. */
export function parseRunEvent(text: string): RunEvent | null {
  try {
    const parsed = runEventSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
