/**
 * The browser's view of runs: what the run pages read from the Run API and what SSE events
 * are folded into. Dates are ISO strings (JSON), never Date objects, so cached values stay
 * serialisable and comparable.
 *
 * Glossary:
 * - RunDetail: one run with its steps (current attempt per step) and every archived attempt.
 * - LiveRun: what only the event stream knows: streamed text, tool calls, logs and the
 *   latest diff per (step, attempt), plus the last event id applied.
 */
import type { RunStatus, StepState } from "../db/schema";

export interface UsageDto {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  costUsd?: number;
}

export interface DiffStatsDto {
  files: number;
  additions: number;
  deletions: number;
}

export interface StepDto {
  id: string;
  key: string;
  nodeId: string;
  kind: string;
  role: "node" | "contestant" | "select";
  state: StepState;
  attempt: number;
  maxAttempts: number;
  dependsOn: string[];
  /** The step's spec (profile, prompt template, options…), as the engine stored it. */
  spec: Record<string, unknown>;
  prompt: string | null;
  output: string | null;
  outputTruncated: boolean;
  summary: string | null;
  error: string | null;
  detail: Record<string, unknown>;
  branch: string | null;
  startCommit: string | null;
  resultCommit: string | null;
  diff: string | null;
  diffStats: DiffStatsDto | null;
  usage: UsageDto;
  winner: string | null;
  cancelRequested: boolean;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface AttemptDto {
  stepId: string;
  attempt: number;
  state: StepState;
  prompt: string | null;
  output: string | null;
  outputTruncated: boolean;
  error: string | null;
  detail: Record<string, unknown>;
  branch: string | null;
  startCommit: string | null;
  resultCommit: string | null;
  diff: string | null;
  diffStats: DiffStatsDto | null;
  usage: UsageDto;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunDetail {
  id: string;
  flowId: string;
  flowName: string;
  flowVersion: number;
  status: RunStatus;
  inputs: Record<string, unknown>;
  repo: string | null;
  baseRef: string | null;
  error: string | null;
  usage: UsageDto;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  steps: StepDto[];
  attempts: AttemptDto[];
  /** The flow version's document (for the read-only graph), when the API includes it. */
  document: unknown;
  /** The last event the server's snapshot reflects (the Run API's `eventCursor`). */
  snapshotCursor: number;
  /**
   * The last event folded into this detail: the snapshot's cursor, then each event applied
   * on top. Events at or below it are already in the detail and are never applied again.
   */
  eventCursor: number;
}

export interface RunSummary {
  id: string;
  flowId: string;
  flowName: string;
  flowVersion: number;
  status: RunStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  stepsTotal: number;
  stepsSucceeded: number;
  stepsFailed: number;
  usage: UsageDto;
  inputs: Record<string, unknown>;
  /** The run this one re-ran as a whole. */
  parentRunId: string | null;
  /** How many times a person re-ran one of its steps. */
  stepReruns: number;
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
  diffStats: DiffStatsDto | null;
  usage: UsageDto | null;
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

/** One SSE message as the client receives it: `id`, `event` and the parsed `data`. */
export interface RunEvent {
  id: number;
  type: string;
  runId: string;
  stepId: string | null;
  attempt: number;
  data: Record<string, unknown>;
  createdAt: string;
}

export const liveKey = (stepId: string, attempt: number) => `${stepId}:${attempt}`;

export const TERMINAL_RUN: readonly RunStatus[] = ["succeeded", "failed", "canceled"];
export const TERMINAL_STEP: readonly StepState[] = ["succeeded", "failed", "canceled", "skipped"];

/**
 * A run is over when its status is terminal and none of its steps still runs: a canceled
 * run's steps stop (and report) a moment after the run turns "canceled".
 */
export function isRunOver(run: Pick<RunDetail, "status" | "steps">): boolean {
  return TERMINAL_RUN.includes(run.status) && !run.steps.some((s) => s.state === "running");
}
