/**
 * apply-run-event: lock the run, load its step states, reduce one event, persist the
 * decisions — all in the caller's transaction. The one path every state change of a run
 * takes after creation (dispatcher completions via advanceRun, and people's actions).
 */
import type { Executor } from "../db/client";
import { applyCommands } from "./apply-commands";
import { loadRunStateForUpdate } from "./load-run-state";
import { reduce, type RunEvent } from "./reducer";
import type { RunState } from "./run-state";

export type ApplyResult =
  | { ok: true; readyStepIds: string[]; state: RunState }
  | { ok: false; reason: "not-found" | "rejected"; message: string };

export async function applyRunEvent(tx: Executor, runId: string, event: RunEvent): Promise<ApplyResult> {
  const locked = await loadRunStateForUpdate(tx, runId);
  if (!locked) return { ok: false, reason: "not-found", message: `run "${runId}" not found` };
  const result = reduce(locked.state, event);
  if (result.rejected) return { ok: false, reason: "rejected", message: result.rejected };
  const readyStepIds = await applyCommands(tx, runId, result.state, result.commands);
  return { ok: true, readyStepIds, state: result.state };
}

/** Engine.advanceRun: re-derive the run after the dispatcher wrote a step's outcome. */
export async function advanceRun(tx: Executor, runId: string): Promise<{ readyStepIds: string[] }> {
  const result = await applyRunEvent(tx, runId, { type: "settle" });
  // A run deleted under a running step has nothing left to advance.
  return { readyStepIds: result.ok ? result.readyStepIds : [] };
}
