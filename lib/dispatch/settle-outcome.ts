/**
 * Pure: decides the outcome written for an attempt from what the engine returned (or
 * threw) and why the worker aborted it, if it did.
 *
 * - cancel → "canceled" unless the step had already succeeded (a finished result is kept);
 * - timeout → failed "timed out after N ms", retryable (the node's retry limit applies);
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
    const partial = outcome && "output" in outcome ? outcome.output : undefined;
    return { state: "canceled", ...(partial !== undefined ? { output: partial } : {}) };
  }
  if (cause === "timeout" && outcome?.state !== "succeeded") {
    return { state: "failed", error: `timed out after ${input.timeoutMs} ms`, retryable: true };
  }
  if (outcome) return outcome;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { state: "failed", error: `step execution threw: ${message}`, retryable: true };
}
