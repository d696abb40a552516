/**
 * Pure: decides the outcome written for an attempt from what the engine returned (or
 * threw) and why the worker aborted it, if it did.
 *
 * - cancel → "canceled" unless the step had already succeeded (a finished result is kept);
 *   whatever the attempt recorded (partial output, usage, its commit and diff) is kept, and
 *   an error that arrived after the cancel request is a consequence of it, not a failure;
 * - timeout → failed "timed out after N ms" (detail.reason "timed_out"), retryable (the
 *   node's retry limit applies), keeping what the attempt recorded;
 * - an engine throw → failed with the message, retryable (infrastructure, not the node);
 * - otherwise the engine's outcome as is.
 * Lease loss and shutdown never reach here: those attempts write nothing.
 */
import type { StepOutcome } from "../engine/contract";

export type AbortCause = "cancel" | "timeout" | "lease-lost" | "shutdown";

export function settleOutcome(input: {
  outcome: StepOutcome | null;
  thrown: unknown;
  cause: AbortCause | null;
  timeoutMs: number | null;
}): StepOutcome {
  const { outcome, thrown, cause } = input;
  if (cause === "cancel" && outcome?.state !== "succeeded") {
    if (outcome?.state === "canceled") return outcome;
    return { state: "canceled", ...recorded(outcome) };
  }
  if (cause === "timeout" && outcome?.state !== "succeeded") {
    const kept = recorded(outcome);
    return { ...kept, state: "failed", error: `timed out after ${input.timeoutMs} ms`, retryable: true, detail: { ...kept.detail, reason: "timed_out", retryable: true } };
  }
  if (outcome) return outcome;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { state: "failed", error: `step execution threw: ${message}`, retryable: true };
}

/** What an attempt recorded that outlives how it ended: output, usage, where its work is. */
function recorded(outcome: StepOutcome | null): Omit<Extract<StepOutcome, { state: "canceled" }>, "state"> {
  if (!outcome || outcome.state === "waiting") return {};
  const keep = ["output", "usage", "detail", "startCommit", "resultCommit", "branch", "worktree", "diff", "diffStats"] as const;
  const out: Record<string, unknown> = {};
  for (const key of keep) if (key in outcome && (outcome as Record<string, unknown>)[key] !== undefined) out[key] = (outcome as Record<string, unknown>)[key];
  // A failed attempt keeps its result commit and stats in detail (withChanges).
  const detail = (outcome as { detail?: Record<string, unknown> }).detail;
  if (outcome.state === "failed" && detail) {
    if (typeof detail.resultCommit === "string") out.resultCommit = detail.resultCommit;
    if (detail.diffStats) out.diffStats = detail.diffStats;
  }
  return out as Omit<Extract<StepOutcome, { state: "canceled" }>, "state">;
}
