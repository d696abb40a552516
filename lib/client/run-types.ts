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
import type { Attempt, DiffStats, RunDetail as WireRunDetail, Step, Usage } from "../contract/run";

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
}

/** Pure: the run pages' view of a RunDetail from the API. */
export function toRunView(detail: WireRunDetail): RunDetail {
  return { ...detail, attempts: detail.steps.flatMap((step: Step) => step.attempts) };
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
}

export interface LiveRun {
  /** The highest event id applied; events at or below it are ignored (replays, doubles). */
  lastEventId: number;
  /** Keyed by `${stepId}:${attempt}`. */
  attempts: Record<string, AttemptLive>;
}

export const liveKey = (stepId: string, attempt: number) => `${stepId}:${attempt}`;
