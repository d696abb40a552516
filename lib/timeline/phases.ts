/**
 * How a running attempt's phase (a "step-phase" event, lib/engine/contract.ts StepPhase) reads
 * on the run page. Pure.
 */
import { liveKey, type LiveRun } from "../client/run-types";

const PHASE_LABELS: Record<string, string> = {
  preparing: "preparing worktree",
  agent: "agent running",
  committing: "committing",
  diffing: "diffing",
  command: "running command",
};

/** A phase's label; an unknown phase (a newer server) reads as itself. */
export const phaseLabel = (phase: string): string => PHASE_LABELS[phase] ?? phase;

/**
 * The phase of each running attempt, keyed by liveKey(stepId, attempt). Only attempts the
 * caller says are running count: a finished attempt has no phase.
 */
export function runningPhases(live: LiveRun | undefined, running: ReadonlyArray<{ id: string; attempt: number }>): Map<string, string> {
  const out = new Map<string, string>();
  for (const step of running) {
    const phase = live?.attempts[liveKey(step.id, step.attempt)]?.phase;
    if (phase) out.set(liveKey(step.id, step.attempt), phase);
  }
  return out;
}
