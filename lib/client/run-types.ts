/**
 * The browser's view of runs: what the run pages read from the Run API and what SSE events
 * are folded into. Dates are ISO strings (JSON), never Date objects, so cached values stay
 * serialisable and comparable.
 *
 * Glossary:
 * - RunDetail: one run with its steps (current attempt per step) and every archived attempt.
 *   The wire shapes are lib/contract/run.ts's; this module adds the views only the browser has.
 * - LiveRun: what only the event stream knows: streamed text, tool calls, logs and the
 *   latest diff per (step, attempt), plus the last event id applied.
 */
import type { Attempt, DiffStats, RunDetail as WireRunDetail, RunEvent, Step, Usage } from "../contract/run";

export type {
  Attempt as AttemptDto,
  DiffStats as DiffStatsDto,
  RunEvent,
  RunSummary,
  Step as StepDto,
  Usage as UsageDto,
} from "../contract/run";
export { isRunOver, TERMINAL_RUN, TERMINAL_STEP } from "../contract/run";

/**
 * The run as the run pages hold it: the wire's RunDetail (lib/contract/run.ts) plus every
 * step's archived attempts in one list, which the timeline and the step panel read.
 */
export interface RunDetail extends WireRunDetail {
  attempts: Attempt[];
  /** The last event the server's snapshot reflects (the Run API's `eventCursor`). */
  snapshotCursor: number;
  /**
   * The last event folded into this detail: the snapshot's cursor, then each event applied
   * on top. Events at or below it are already in the detail and are never applied again.
   */
  eventCursor: number;
}

/** Pure: the run pages' view of a RunDetail from the API. */
export function toRunView(detail: WireRunDetail): RunDetail {
  return {
    ...detail,
    attempts: detail.steps.flatMap((step: Step) => step.attempts),
    snapshotCursor: detail.eventCursor,
    eventCursor: detail.eventCursor,
  };
}

export type ToolCallStatus = "pending" | "in_progress" | "completed" | "failed";

export interface ToolCallView {
  id: string;
  title: string;
  kind: string;
  status: ToolCallStatus;
  locations: string[];
  /** Text content, in order. */
  texts: string[];
  /** Edit content: one entry per file the tool call changed. */
  edits: Array<{ path: string; oldText: string | null; newText: string }>;
  rawInput: unknown;
  rawOutput: unknown;
  /** For shell tools: the exit code when the backend reports one. */
  exitCode: number | null;
}

export interface LogLineView {
  stream: string;
  text: string;
}

export interface AttemptLive {
  stepId: string;
  attempt: number;
  text: string;
  thought: string;
  toolCalls: ToolCallView[];
  logs: LogLineView[];
  plan: Array<{ content: string; status: string }>;
  diff: string | null;
  diffStats: DiffStats | null;
  usage: Usage | null;
  /** What the attempt is doing now (a "step-phase" event): preparing, agent, committing, diffing… */
  phase: string | null;
}

export interface LiveRun {
  /** The highest event id applied; events at or below it are ignored (replays, doubles). */
  lastEventId: number;
  /** Keyed by `${stepId}:${attempt}`. */
  attempts: Record<string, AttemptLive>;
  /**
   * Events that change the run detail, received since the last snapshot of it: a snapshot
   * fetched while they arrive is brought up to date by folding those above its cursor.
   */
  pending: RunEvent[];
}

export const liveKey = (stepId: string, attempt: number) => `${stepId}:${attempt}`;
