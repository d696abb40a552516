/**
 * The engine's reducer: (runState, event) → (runState, commands). Pure and deterministic.
 *
 * It decides, and the persistence layer (apply-run-event.ts) writes what it decided:
 * - readiness: a step becomes ready when all its dependencies succeeded; a fold therefore
 *   waits for every input;
 * - arena selection: a "first" select is ready as soon as one contestant succeeded (the
 *   others are canceled); check/judge/manual selects wait until every contestant is
 *   terminal; if none succeeded the select fails;
 * - skip-on-failure: a pending step with a failed/skipped/canceled dependency is skipped,
 *   so a failure skips exactly its descendants and other branches keep running;
 * - retries: a retryable failure with attempts left goes back to ready;
 * - people: approve, reject, select-winner, cancel-run, rerun-step (a review round is a
 *   rerun-step of the reviewed code step);
 * - completion: running while anything can still run; waiting when only waiting steps
 *   block; otherwise failed / canceled / succeeded.
 *
 * Invalid requests (approve a step that isn't waiting…) come back as `rejected` with a
 * reason a person can read, and change nothing.
 */
import type { RunStatus, StepState } from "../db/schema";
import { definitionOf } from "../kinds";
import { rerunRefusal } from "./rerun-rule";
import {
  descendantKeys,
  isTerminalRun,
  isTerminalStep,
  topologicalOrder,
  inheritOrder,
  type RunState,
  type StepStatus,
} from "./run-state";

export type RunEvent =
  /** Re-derive everything from current states (after the dispatcher wrote an outcome). */
  | { type: "settle" }
  /** A claim (the dispatcher does this in SQL; simulations use the event). */
  | { type: "step-started"; key: string }
  | {
      type: "step-finished";
      key: string;
      state: "succeeded" | "failed" | "canceled" | "waiting";
      retryable?: boolean;
      error?: string;
    }
  | { type: "approve"; key: string }
  /** A person says no: the approval fails with the reason, so the steps after it are skipped. */
  | { type: "reject"; key: string; reason: string }
  | { type: "select-winner"; key: string; winner: string }
  | { type: "cancel-run" }
  | { type: "rerun-step"; key: string };

export type Command =
  | {
      type: "step-state";
      key: string;
      from: StepState;
      to: StepState;
      /** Why (skipped/canceled/failed by the engine); null clears the error. */
      error?: string | null;
      /** Clear the previous attempt's results (re-run and its reset descendants). */
      reset?: boolean;
      /**
       * With reset: keep the recorded start commit (the re-run step itself starts where its
       * last attempt started; reset descendants forget theirs and start from the new results).
       */
      keepStart?: boolean;
      /** A re-run grants a fresh retry budget from the current attempt. */
      maxAttempts?: number;
      /** select-winner: the chosen contestant's key. */
      winner?: string;
      /** A failure decided by the engine itself (no point retrying it). */
      retryable?: boolean;
    }
  /** A running step must stop: the dispatcher's heartbeat sees the flag and aborts it. */
  | { type: "step-cancel-request"; key: string }
  | { type: "run-state"; from: RunStatus; to: RunStatus; finished: boolean; error: string | null };

export interface ReduceResult {
  state: RunState;
  commands: Command[];
  rejected?: string;
}

const FAILED_DEP: readonly StepState[] = ["failed", "skipped", "canceled"];

class Draft {
  readonly byKey: Map<string, StepStatus>;
  readonly commands: Command[] = [];
  status: RunStatus;
  finished: boolean;
  constructor(readonly base: RunState) {
    this.byKey = new Map();
    for (const s of base.steps) this.byKey.set(s.key, { ...s });
    this.status = base.status;
    this.finished = base.finished;
  }
  get(key: string): StepStatus | undefined {
    return this.byKey.get(key);
  }
  set(step: StepStatus, to: StepState, extra: Omit<Extract<Command, { type: "step-state" }>, "type" | "key" | "from" | "to"> = {}) {
    this.commands.push({ type: "step-state", key: step.key, from: step.state, to, ...extra });
    step.state = to;
    if (extra.error !== undefined) step.error = extra.error;
    if (extra.maxAttempts !== undefined) step.maxAttempts = extra.maxAttempts;
    if (extra.retryable !== undefined) step.retryable = extra.retryable;
    if (extra.reset) {
      step.error = null;
      step.retryable = true;
      step.cancelRequested = false;
    }
  }
  requestCancel(step: StepStatus) {
    if (step.cancelRequested) return;
    step.cancelRequested = true;
    this.commands.push({ type: "step-cancel-request", key: step.key });
  }
  result(): ReduceResult {
    // Keep the caller's step order so persisted and simulated states line up.
    const steps = this.base.steps.map((s) => this.byKey.get(s.key)!);
    return { state: inheritOrder(this.base, { status: this.status, finished: this.finished, steps }), commands: this.commands };
  }
}

const reject = (state: RunState, reason: string): ReduceResult => ({ state, commands: [], rejected: reason });

export function reduce(state: RunState, event: RunEvent): ReduceResult {
  const draft = new Draft(state);
  const rejection = applyEvent(draft, event);
  if (rejection) return reject(state, rejection);
  settle(draft);
  return draft.result();
}

/** Applies what the event itself changes; returns a rejection reason or undefined. */
function applyEvent(draft: Draft, event: RunEvent): string | undefined {
  if (event.type === "settle") return undefined;
  if (event.type === "cancel-run") {
    if (isTerminalRun(draft.status)) return `the run is already ${draft.status}`;
    draft.status = "canceled";
    return undefined;
  }
  const step = draft.get(event.key);
  if (!step) return `no step "${event.key}" in this run`;
  switch (event.type) {
    case "step-started":
      if (step.state !== "ready") return `step "${step.key}" is ${step.state}, not ready`;
      draft.set(step, "running");
      step.attempt += 1;
      return undefined;
    case "step-finished":
      if (step.state !== "running") return `step "${step.key}" is ${step.state}, not running`;
      draft.set(step, event.state, { error: event.error ?? null, retryable: event.retryable ?? true });
      return undefined;
    case "approve":
      if (!definitionOf(step.kind)?.answeredByPerson) return `step "${step.key}" is not an approval step`;
      if (step.state !== "waiting") return `step "${step.key}" is ${step.state}; only a waiting approval can be approved`;
      draft.set(step, "succeeded", { error: null });
      return undefined;
    case "reject":
      if (!definitionOf(step.kind)?.answeredByPerson) return `step "${step.key}" is not an approval step`;
      if (step.state !== "waiting") return `step "${step.key}" is ${step.state}; only a waiting approval can be rejected`;
      draft.set(step, "failed", { error: `rejected: ${event.reason}`, retryable: false });
      return undefined;
    case "select-winner": {
      if (step.role !== "select") return `step "${step.key}" is not an arena's select step`;
      if (step.state !== "waiting") return `step "${step.key}" is ${step.state}; a winner can only be picked while it waits`;
      if (!step.dependsOn.includes(event.winner)) {
        return `"${event.winner}" is not a contestant of "${step.key}" (contestants: ${step.dependsOn.join(", ")})`;
      }
      const winner = draft.get(event.winner)!;
      if (winner.state !== "succeeded") return `contestant "${winner.key}" ${winner.state}; only a contestant that succeeded can win`;
      draft.set(step, "succeeded", { error: null, winner: winner.key });
      return undefined;
    }
    case "rerun-step":
      return applyRerun(draft, step);
  }
}

function applyRerun(draft: Draft, step: StepStatus): string | undefined {
  // The run page offers re-runs by the same rule (rerun-rule.ts).
  const refused = rerunRefusal(draft.status, step, (key) => draft.get(key), draft.byKey.values());
  if (refused) return refused;
  for (const key of descendantKeys([...draft.byKey.values()], step.key)) {
    const descendant = draft.get(key)!;
    // Descendants run again as new attempts, each with a fresh retry budget.
    if (descendant.state !== "pending") {
      draft.set(descendant, "pending", { reset: true, maxAttempts: descendant.attempt + descendant.retries + 1 });
    }
  }
  draft.set(step, "pending", { reset: true, keepStart: true, maxAttempts: step.attempt + step.retries + 1 });
  draft.status = "running";
  draft.finished = false;
  return undefined;
}

function settle(draft: Draft): void {
  const ordered = topologicalOrder(draft.base).map((i) => draft.byKey.get(draft.base.steps[i].key)!);
  if (draft.status === "canceled") {
    for (const step of ordered) {
      if (step.state === "pending" || step.state === "ready" || step.state === "waiting") {
        draft.set(step, "canceled", { error: "the run was canceled" });
      } else if (step.state === "running") draft.requestCancel(step);
    }
  } else {
    for (const step of ordered) settleStep(draft, step);
  }
  finish(draft, ordered);
}

function settleStep(draft: Draft, step: StepStatus): void {
  if (step.state === "failed" && step.retryable && step.attempt < step.maxAttempts) {
    draft.set(step, "ready");
    return;
  }
  if (step.state !== "pending") return;
  if (step.role !== "select") {
    // Allocation-free: every pending step of the run is looked at on every completion.
    let bad: StepStatus | undefined;
    let allSucceeded = true;
    for (const key of step.dependsOn) {
      const dep = draft.get(key);
      if (!dep) continue;
      if (dep.state !== "succeeded") allSucceeded = false;
      if (!bad && FAILED_DEP.includes(dep.state)) bad = dep;
    }
    if (bad) draft.set(step, "skipped", { error: `upstream step "${bad.key}" ${bad.state}` });
    else if (allSucceeded) draft.set(step, "ready");
    return;
  }
  const deps = step.dependsOn.map((key) => draft.get(key)).filter((d): d is StepStatus => d !== undefined);
  const succeeded = deps.filter((d) => d.state === "succeeded");
  const allTerminal = deps.every((d) => isTerminalStep(d.state));
  if (step.selectMode === "first" && succeeded.length > 0) {
    draft.set(step, "ready");
    for (const loser of deps) {
      if (loser.state === "pending" || loser.state === "ready") {
        draft.set(loser, "canceled", { error: `not needed: "${succeeded[0].key}" succeeded first` });
      } else if (loser.state === "running") draft.requestCancel(loser);
    }
  } else if (allTerminal) {
    if (succeeded.length > 0) draft.set(step, "ready");
    else draft.set(step, "failed", { error: `all ${deps.length} contestants failed`, retryable: false });
  }
}

function finish(draft: Draft, ordered: StepStatus[]): void {
  const before = { status: draft.base.status, finished: draft.base.finished };
  let error: string | null = null;
  // One pass over the run (this runs on every completion). Contestant failures count only
  // through their select step; "first" means first in topological order.
  let anyRunning = false;
  let anyReady = false;
  let anyWaiting = false;
  let anyPending = false;
  let failed: StepStatus | undefined;
  let canceled: StepStatus | undefined;
  for (const s of ordered) {
    if (s.state === "running") anyRunning = true;
    else if (s.state === "ready") anyReady = true;
    else if (s.state === "waiting") anyWaiting = true;
    else if (s.state === "pending") anyPending = true;
    else if (s.role !== "contestant") {
      if (s.state === "failed") failed ??= s;
      else if (s.state === "canceled") canceled ??= s;
    }
  }
  if (draft.status === "canceled") {
    draft.finished = !anyRunning;
  } else if (anyRunning || anyReady) {
    draft.status = "running";
  } else if (anyWaiting) {
    draft.status = "waiting";
  } else if (anyPending) {
    // Unreachable after settle (a pending step with all deps terminal is resolved); kept so a
    // corrupt state reads as running rather than as a false success.
    draft.status = "running";
  } else {
    if (failed) {
      draft.status = "failed";
      error = `step "${failed.key}" failed${failed.error ? `: ${failed.error}` : ""}`;
    } else if (canceled) draft.status = "canceled";
    else draft.status = "succeeded";
    draft.finished = true;
  }
  if (draft.status === "canceled") error = "canceled";
  if (!isTerminalRun(draft.status)) draft.finished = false;
  if (before.status !== draft.status || before.finished !== draft.finished) {
    draft.commands.push({ type: "run-state", from: draft.base.status, to: draft.status, finished: draft.finished, error });
  }
}
