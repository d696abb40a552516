/**
 * apply-run-event: lock the run, load its step states, reduce one event, persist the
 * decisions — all in the caller's transaction. The one path every state change of a run
 * takes after creation (dispatcher completions via advanceRun, and people's actions).
 */
import type { Executor } from "../db/client";
import { applyCommands, runOnlyChange, updateRuns } from "./apply-commands";
import { loadRunStateForUpdate, loadRunStatesForUpdate, type LockedRun } from "./load-run-state";
import { reduce, type RunEvent } from "./reducer";
import type { RunState } from "./run-state";
import type { Advance, AdvanceRunsOptions } from "./contract";
import { runStateCache, withChanges } from "./run-state-cache";

export type ApplyResult =
  /** exact: the database now holds `state` (apply-commands skipped no transition). */
  | { ok: true; readyStepIds: string[]; state: RunState; exact: boolean }
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
  const applied = await applyCommands(tx, runId, result.state, result.commands);
  return { ok: true, readyStepIds: applied.readyStepIds, state: result.state, exact: applied.exact };
}

/**
 * What a settle did, for the dispatcher: readied steps, and whether it ended a run that may
 * have files to remove (so the dispatcher calls onRunEnded after the commit).
 */
function advanceOf(result: ApplyResult, before: LockedRun | undefined): Advance {
  // A run deleted under a running step has nothing left to advance.
  if (!result.ok) return { readyStepIds: [], ended: false };
  // Ended = finished: terminal with no step still running. A canceled run is terminal at
  // once but finishes only when its last running step has stopped, and only then may its
  // worktrees go (agents may still be writing, and their partial work is committed).
  const ended = result.state.finished && !(before && before.state.finished);
  // Only a run with a step working in a directory can have files to remove (onRunEnded).
  const hasWorkspaces = result.state.steps.some((s) => s.workspace !== "none");
  return { readyStepIds: result.readyStepIds, ended: ended && hasWorkspaces };
}

/** Engine.advanceRun: re-derive the run after the dispatcher wrote a step's outcome. */
export async function advanceRun(tx: Executor, runId: string): Promise<Advance> {
  const locked = await loadRunStateForUpdate(tx, runId);
  return advanceOf(await reduceAndApply(tx, runId, locked, { type: "settle" }), locked);
}

/**
 * Engine.advanceRuns: advanceRun for several runs, locked and read together. A run the
 * caller locked (`options.locked`) whose previous version this process wrote is taken from
 * the run-state cache instead of being read (see run-state-cache.ts), and the state this
 * advance leaves is remembered once the transaction commits.
 */
export async function advanceRuns(tx: Executor, runIds: readonly string[], options: AdvanceRunsOptions = {}): Promise<Map<string, Advance>> {
  const ids = [...new Set(runIds)].sort();
  const known = new Map<string, LockedRun>();
  for (const runId of ids) {
    const info = options.locked?.get(runId);
    const cached = info && runStateCache.get(runId, info.version - 1);
    if (cached) known.set(runId, { id: runId, status: cached.status, state: withChanges(cached, info.changed) });
  }
  const unknown = ids.filter((id) => !known.has(id));
  const loaded = unknown.length > 0 ? await loadRunStatesForUpdate(tx, unknown, options) : new Map<string, LockedRun>();
  const advances = new Map<string, Advance>();
  // Runs whose settle changes no step (e.g. a run's last step finished) share one statement.
  const runOnly: Array<{ runId: string; command: Parameters<typeof updateRuns>[1][number]["command"] }> = [];
  for (const runId of ids) {
    const before = known.get(runId) ?? loaded.get(runId);
    // A run deleted under a running step has nothing left to advance.
    if (!before) {
      advances.set(runId, { readyStepIds: [], ended: false });
      continue;
    }
    const reduced = reduce(before.state, { type: "settle" });
    const change = reduced.rejected ? null : runOnlyChange(reduced.commands);
    const result: ApplyResult = change
      ? { ok: true, readyStepIds: [], state: reduced.state, exact: true }
      : await applyReduced(tx, runId, reduced);
    if (change) runOnly.push({ runId, command: change.command });
    const advance = advanceOf(result, before);
    const version = options.locked?.get(runId)?.version;
    if (result.ok && version !== undefined) {
      const state = result.state;
      // Only a state the database now holds exactly may be remembered.
      advance.onCommit = result.exact ? () => runStateCache.put(runId, version, state) : () => runStateCache.forget(runId);
    }
    advances.set(runId, advance);
  }
  await updateRuns(tx, runOnly);
  return advances;
}
