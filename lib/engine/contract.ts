/**
 * The seam between the dispatcher (lib/dispatch: claims, leases, heartbeats, NOTIFY,
 * workers) and the engine (lib/engine: planning, the reducer, what a step does).
 *
 * Lifecycle of one step attempt:
 *   1. dispatch claims a ready step (SKIP LOCKED), bumping `fence`, and gets a ClaimedStep.
 *   2. dispatch calls engine `executeStep(context)`; the engine runs the node (agent, check,
 *      fold, select…) and returns a StepOutcome. It streams events through `context.emit`.
 *   3. dispatch opens ONE transaction: fenced update of the step row to the outcome
 *      (0 rows → the lease was lost: roll back, write nothing), archive the attempt,
 *      then engine `advanceRun(tx, runId)` applies the reducer and persists what it decided
 *      (dependents → ready, descendants → skipped, run status), NOTIFYing the steps it
 *      readied, and dispatch commits.
 *
 * Invariant: a step's completion and the promotion of its dependents commit together.
 */
import type { Executor } from "../db/client";
import type { AgentProfileRow, RunStatus, StepRow, StepState } from "../db/schema";
import type { Usage } from "../agents/types";
import type { RunEventType } from "../contract/run";
import type { GitSharing } from "../git/repo-map";

/**
 * A step as the claiming worker sees it: the row after the claim (state "running"), with
 * the agent profile its spec names when the claim read it along (null: no such profile;
 * absent: not read, look it up).
 */
export type ClaimedStep = StepRow & { prefetchedProfile?: AgentProfileRow | null };

/** Event types appended to step_events (noun-verb): the wire contract's list. */
export type StepEventType = RunEventType;

/**
 * A running attempt's phase, announced as it enters it: preparing its worktree, the agent
 * running, committing what it left, diffing the result, a check's command running. Steps
 * spend real time outside the agent (a large worktree's commit and diff), and the page says
 * which.
 */
export type StepPhase = "preparing" | "agent" | "committing" | "diffing" | "command";

export interface StepEventInput {
  type: StepEventType;
  data: Record<string, unknown>;
}

export const phaseEvent = (phase: StepPhase): StepEventInput => ({ type: "step-phase", data: { phase } });

export interface DiffStats {
  files: number;
  additions: number;
  deletions: number;
}

export type StepOutcome =
  | {
      state: "succeeded";
      output: string;
      outputTruncated?: boolean;
      summary?: string;
      usage?: Usage;
      detail?: Record<string, unknown>;
      /** Code steps (issue 4 fills these). */
      startCommit?: string;
      resultCommit?: string;
      branch?: string;
      worktree?: string;
      diff?: string;
      diffStats?: DiffStats;
      /** Select steps: the winning contestant's key. */
      winner?: string;
    }
  | {
      state: "failed";
      error: string;
      output?: string;
      usage?: Usage;
      detail?: Record<string, unknown>;
      /** False for failures a retry can't fix (bad config, unavailable profile). */
      retryable: boolean;
      startCommit?: string;
      branch?: string;
      worktree?: string;
    }
  /**
   * Cancellation was requested while it ran. A code step's partial work is committed and
   * recorded like any attempt's (its commit, diff and stats).
   */
  | {
      state: "canceled";
      output?: string;
      usage?: Usage;
      detail?: Record<string, unknown>;
      startCommit?: string;
      resultCommit?: string;
      branch?: string;
      worktree?: string;
      diff?: string;
      diffStats?: DiffStats;
    }
  /** Approval steps and manual selects: park until a person acts (API approve/select). */
  | { state: "waiting"; detail?: Record<string, unknown> };

export interface StepContext {
  db: Executor;
  step: ClaimedStep;
  /** Aborted on cancel request, timeout, lease loss or worker shutdown. */
  signal: AbortSignal;
  /** Appends an event (coalesced/batched by the dispatcher); never throws. */
  emit(event: StepEventInput): void;
  /**
   * Stores the attempt's rendered prompt on the step (fenced), written with the next event
   * batch — within the dispatcher's coalescing interval — or with the outcome, whichever is
   * first; never throws.
   */
  recordPrompt(prompt: string): void;
  /** The data dir, for worktrees and logs. */
  dataDir: string;
  /** This worker's repository map and lineage remote (lib/git/repo-map.ts); absent: none. */
  git?: GitSharing;
}

/** Implemented by lib/engine. */
export interface Engine {
  executeStep(context: StepContext): Promise<StepOutcome>;
  /**
   * Inside the caller's transaction: load the run's step states, apply the reducer,
   * persist its decisions, and NOTIFY (STEP_READY_CHANNEL) the steps it made ready.
   * Returns their ids.
   */
  advanceRun(tx: Executor, runId: string): Promise<Advance>;
  /**
   * advanceRun for several runs in one transaction (a batch of completions), cheaper than
   * one call each; runs are locked in id order. `alreadyLocked`: the caller's transaction
   * already holds the runs' row locks, taken in id order. Absent → advanceRun per run.
   */
  advanceRuns?(tx: Executor, runIds: readonly string[], options?: AdvanceRunsOptions): Promise<Map<string, Advance>>;
  /**
   * Optional fast path: the advance a completion of step `change.id` (to `change.state`)
   * will cause, decided before anything is written from the engine's memory of the run,
   * or null when the engine cannot decide it that way (no memory of the run, or an advance
   * that needs more than pending steps changing state). The dispatcher then writes the
   * completion and the advance in ONE statement, guarded by the run still being at
   * `expectedVersion`; otherwise it takes the transactional path (advanceRuns).
   */
  predictAdvance?(runId: string, change: PredictedChange): PredictedAdvance | null;
  /**
   * Called by the dispatcher after a transaction that ended a run (an Advance with
   * `ended`) committed: the place for work that must not run under the run's lock, such as
   * removing its worktrees. Must not throw or reject. The dispatcher does not wait for the
   * promise (a test harness does, before it closes the database the work queries).
   */
  onRunEnded?(db: Executor, dataDir: string, runId: string): Promise<void>;
  /**
   * Called by a looping worker every `sweepIntervalMs`: removes this data dir's files of runs
   * that ended without this worker ending them (another worker, maybe on another machine,
   * completed their last step). Must not throw or reject; waited for like onRunEnded.
   */
  sweepFinished?(db: Executor, dataDir: string): Promise<void>;
}

export interface AdvanceRunsOptions {
  /** The caller's transaction already holds the runs' row locks, taken in id order. */
  alreadyLocked?: boolean;
  /** What the caller's lock statement learnt of each run (completions give this). */
  locked?: ReadonlyMap<string, LockedRunInfo>;
}

/**
 * A run as the dispatcher's completion left it, before the engine's advance: `version` is
 * runs.version after the completion's lock incremented it (every locker increments it, so
 * version − 1 is the version the previous locker wrote), `changed` the steps the completion
 * wrote, as they now are.
 */
export interface LockedRunInfo {
  version: number;
  changed: StepChange[];
}

export interface StepChange {
  id: string;
  state: StepState;
  /** At most 500 characters (as the engine reads errors). */
  error: string | null;
  attempt: number;
  maxAttempts: number;
  cancelRequested: boolean;
}

export interface PredictedChange {
  id: string;
  state: StepState;
  /** At most 500 characters. */
  error: string | null;
}

/** A completion's effect on its run, decided ahead of the write (Engine.predictAdvance). */
export interface PredictedAdvance {
  /** The run version the prediction rests on: it holds only if the run is still at it when locked. */
  expectedVersion: number;
  /** Pending steps that change state (no other step changes). */
  transitions: Array<{ id: string; state: "ready" | "skipped" | "failed" | "canceled"; error: string | null; retryable: boolean | null }>;
  /** The run's new status, when it changes. */
  run: { status: RunStatus; error: string | null; finished: boolean } | null;
  /** The run ends and the engine has after-commit work for it (onRunEnded). */
  ended: boolean;
  /** After the commit that wrote the run at `version` (expectedVersion + 1). */
  onCommit(version: number): void;
  /** The run was not at expectedVersion: the memory behind the prediction is stale. */
  onStale(): void;
}

export interface Advance {
  /** Steps that became ready (the dispatcher NOTIFYs them in the same transaction). */
  readyStepIds: string[];
  /**
   * This advance moved the run to a terminal status and the engine has after-commit work
   * for it: the dispatcher calls onRunEnded once the transaction committed.
   */
  ended: boolean;
  /** Called by the dispatcher once the transaction committed (never after a rollback). */
  onCommit?: () => void;
}

/** NOTIFY channel for "a step became ready"; payload = step id only (8000-byte limit). */
export const STEP_READY_CHANNEL = "baton_step_ready";
/** NOTIFY channel for "events appended"; payload = run id only. */
export const RUN_EVENTS_CHANNEL = "baton_run_events";
