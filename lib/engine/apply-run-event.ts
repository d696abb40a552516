/**
 * apply-run-event: lock the run, load its step states, reduce one event, persist the
 * decisions — all in the caller's transaction. The one path every state change of a run
 * takes after creation (dispatcher completions via advanceRun, and people's actions).
 */
import type { Executor } from "../db/client";
import { applyCommands, runOnlyChange, updateRuns } from "./apply-commands";
import { loadRunStateForUpdate, loadRunStatesForUpdate, type LockedRun } from "./load-run-state";
import { reduce, type RunEvent } from "./reducer";
import { isTerminalRun, type RunState } from "./run-state";
import type { Advance } from "./contract";

export type ApplyResult =
  | { ok: true; readyStepIds: string[]; state: RunState }
  | { ok: false; reason: "not-found" | "rejected"; message: string };

export async function applyRunEvent(tx: Executor, runId: string, event: RunEvent): Promise<ApplyResult> {
  return reduceAndApply(tx, runId, await loadRunStateForUpdate(tx, runId), event);
}

async function reduceAndApply(tx: Executor, runId: string, locked: LockedRun | undefined, event: RunEvent): Promise<ApplyResult> {
  if (!locked) return { ok: false, reason: "not-found", message: `run "${runId}" not found` };
  return applyReduced(tx, runId, reduce(locked.state, event));
}

async function applyReduced(tx: Executor, runId: string, result: ReturnType<typeof reduce>): Promise<ApplyResult> {
  if (result.rejected) return { ok: false, reason: "rejected", message: result.rejected };
  const readyStepIds = await applyCommands(tx, runId, result.state, result.commands);
  return { ok: true, readyStepIds, state: result.state };
}

/**
 * What a settle did, for the dispatcher: readied steps, and whether it ended a run that may
 * have files to remove (so the dispatcher calls onRunEnded after the commit).
 */
function advanceOf(result: ApplyResult, before: LockedRun | undefined): Advance {
  // A run deleted under a running step has nothing left to advance.
  if (!result.ok) return { readyStepIds: [], ended: false };
  const ended = isTerminalRun(result.state.status) && !(before && isTerminalRun(before.status));
  // Only a run with a step working in a directory can have files to remove (onRunEnded).
  const hasWorkspaces = result.state.steps.some((s) => s.workspace !== "none");
  return { readyStepIds: result.readyStepIds, ended: ended && hasWorkspaces };
}

/** Engine.advanceRun: re-derive the run after the dispatcher wrote a step's outcome. */
export async function advanceRun(tx: Executor, runId: string): Promise<Advance> {
  const locked = await loadRunStateForUpdate(tx, runId);
  return advanceOf(await reduceAndApply(tx, runId, locked, { type: "settle" }), locked);
}

/** Engine.advanceRuns: advanceRun for several runs, locked and read together. */
export async function advanceRuns(
  tx: Executor,
  runIds: readonly string[],
  options: { alreadyLocked?: boolean } = {},
): Promise<Map<string, Advance>> {
  const locked = await loadRunStatesForUpdate(tx, runIds, options);
  const advances = new Map<string, Advance>();
  // Runs whose settle changes no step (e.g. a run's last step finished) share one statement.
  const runOnly: Array<{ runId: string; command: Parameters<typeof updateRuns>[1][number]["command"] }> = [];
  for (const runId of [...new Set(runIds)].sort()) {
    const before = locked.get(runId);
    // A run deleted under a running step has nothing left to advance.
    if (!before) {
      advances.set(runId, { readyStepIds: [], ended: false });
      continue;
    }
    const reduced = reduce(before.state, { type: "settle" });
    const change = reduced.rejected ? null : runOnlyChange(reduced.commands);
    if (change) {
      runOnly.push({ runId, command: change.command });
      advances.set(runId, advanceOf({ ok: true, readyStepIds: [], state: reduced.state }, before));
    } else {
      advances.set(runId, advanceOf(await applyReduced(tx, runId, reduced), before));
    }
  }
  await updateRuns(tx, runOnly);
  return advances;
}
