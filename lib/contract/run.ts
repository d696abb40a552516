/**
 * The Run API's wire contract: what GET /api/runs and /api/runs/:id send, and what the run
 * event stream sends. One set of zod schemas used by the server (lib/runs/queries.ts shapes
 * its results as these types), the SSE stream (lib/sse) and the browser (lib/client parses
 * responses with them). Pure: zod only — no database, no React — so client code can import it.
 *
 * Glossary:
 * - Run: one execution of one flow version; RunDetail adds its steps, each with its archived
 *   attempts (the step row holds the current attempt, step_attempts the finished ones).
 * - Dates are ISO strings on the wire, never Date objects.
 */
import { z } from "zod";

export const RUN_STATUSES = ["pending", "running", "waiting", "succeeded", "failed", "canceled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const STEP_STATES = ["pending", "ready", "running", "waiting", "succeeded", "failed", "canceled", "skipped"] as const;
export type StepState = (typeof STEP_STATES)[number];

export const STEP_ROLES = ["node", "contestant", "select"] as const;
export type StepRole = (typeof STEP_ROLES)[number];

export const TERMINAL_RUN: readonly RunStatus[] = ["succeeded", "failed", "canceled"];
export const TERMINAL_STEP: readonly StepState[] = ["succeeded", "failed", "canceled", "skipped"];

const isoDate = z.string();
const json = z.record(z.string(), z.unknown());

/** Token and cost figures as the agent reported them; a key nobody reported is absent (not 0). */
export const usageSchema = z.object({
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  totalTokens: z.number().optional(),
  costUsd: z.number().optional(),
});
export type Usage = z.infer<typeof usageSchema>;

export const diffStatsSchema = z.object({ files: z.number(), additions: z.number(), deletions: z.number() });
export type DiffStats = z.infer<typeof diffStatsSchema>;

/** What an attempt did: a step's current attempt and each archived one carry these. */
const attemptFields = {
  prompt: z.string().nullable(),
  output: z.string().nullable(),
  outputTruncated: z.boolean(),
  error: z.string().nullable(),
  detail: json,
  branch: z.string().nullable(),
  startCommit: z.string().nullable(),
  resultCommit: z.string().nullable(),
  diff: z.string().nullable(),
  diffStats: diffStatsSchema.nullable(),
  usage: usageSchema,
  startedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
};

/** One finished attempt of a step (step_attempts). */
export const attemptSchema = z.object({
  ...attemptFields,
  stepId: z.string(),
  attempt: z.number().int(),
  state: z.enum(STEP_STATES),
  workerId: z.string().nullable(),
});
export type Attempt = z.infer<typeof attemptSchema>;

/** A step with its current attempt's fields and its archived attempts, oldest first. */
export const stepSchema = z.object({
  ...attemptFields,
  id: z.string(),
  runId: z.string(),
  nodeId: z.string(),
  key: z.string(),
  kind: z.string(),
  role: z.enum(STEP_ROLES),
  state: z.enum(STEP_STATES),
  dependsOn: z.array(z.string()),
  /** The step's spec (a StepSpec of lib/kinds: its kind's step schema) as the engine stored it. */
  spec: json,
  attempt: z.number().int(),
  maxAttempts: z.number().int(),
  timeoutMs: z.number().int().nullable(),
  requiredTags: z.array(z.string()),
  leaseLosses: z.number().int(),
  cancelRequested: z.boolean(),
  summary: z.string().nullable(),
  worktree: z.string().nullable(),
  winner: z.string().nullable(),
  readyAt: isoDate.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
  attempts: z.array(attemptSchema),
});
export type Step = z.infer<typeof stepSchema>;

export const stepCountsSchema = z.object({
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  running: z.number().int(),
});
export type StepCounts = z.infer<typeof stepCountsSchema>;

/** What a run's detail and its row in the history share. */
const runFields = {
  id: z.string(),
  flowId: z.string(),
  /** Null when the flow row is gone. */
  flowName: z.string().nullable(),
  flowVersion: z.number().int(),
  status: z.enum(RUN_STATUSES),
  origin: z.string(),
  error: z.string().nullable(),
  usage: usageSchema,
  /** The run this one re-ran as a whole, if any. */
  parentRunId: z.string().nullable(),
  createdAt: isoDate,
  startedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
  counts: stepCountsSchema,
};

export const runDetailSchema = z.object({
  ...runFields,
  inputs: z.record(z.string(), z.string()),
  repo: z.string().nullable(),
  baseRef: z.string().nullable(),
  baseCommit: z.string().nullable(),
  keepWorktrees: z.boolean(),
  /** What pooled worktrees keep between steps; null: each step's profile default ("clean" if none). */
  worktreePolicy: z.enum(["clean", "keep-ignored"]).nullable(),
  /** When the run's refs were deleted (its steps then can't be re-run or branched: lib/runs/refs-deleted.ts), else null. */
  refsDeletedAt: isoDate.nullable(),
  updatedAt: isoDate,
  /** In plan order: dependencies first. */
  steps: z.array(stepSchema),
  /**
   * The highest id of the run's events visible to the read that produced this detail: every
   * event up to it that had committed is reflected in the rows. A live client applies only
   * events above it to this detail (see lib/client/run-events.ts).
   */
  eventCursor: z.number().int(),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

export const runSummarySchema = z.object({
  ...runFields,
  inputs: z.record(z.string(), z.unknown()),
  /** How many times a person re-ran one of its steps. */
  stepReruns: z.number().int(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runPageSchema = z.object({ runs: z.array(runSummarySchema), nextCursor: z.string().nullable() });
export type RunPage = z.infer<typeof runPageSchema>;

/**
 * Event types appended to step_events and sent on the run's event stream (noun-verb). The
 * engine writes them, the SSE route names each message after one, the browser listens for each.
 */
export const RUN_EVENT_TYPES = [
  "step-state",
  "text-chunk",
  "thought-chunk",
  "tool-call",
  "tool-call-update",
  "plan",
  "log-line",
  "usage-report",
  "diff-update",
  "run-state",
  /** What a running attempt is doing now: data `{ phase: StepPhase }` (lib/engine/contract.ts). */
  "step-phase",
  /** A fix loop's round changed: data is the round (lib/kinds/loop/rounds.ts LoopRound). */
  "loop-round",
] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

/** One event of a run's stream: the SSE message's `id`, its `event` (type) and `data` (this). */
export const runEventSchema = z.object({
  /** step_events' bigserial id: the SSE id a reconnect resumes after. */
  id: z.number().int().positive(),
  type: z.string(),
  runId: z.string(),
  stepId: z.string().nullable(),
  attempt: z.number().int(),
  data: json,
  createdAt: isoDate,
});
export type RunEvent = z.infer<typeof runEventSchema>;

/** A run is over when its status is terminal and none of its steps still runs. */
export function isRunOver(run: { status: RunStatus; steps: ReadonlyArray<{ state: StepState }> }): boolean {
  return TERMINAL_RUN.includes(run.status) && !run.steps.some((s) => s.state === "running");
}
