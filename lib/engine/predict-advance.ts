/**
 * Engine.predictAdvance: what a completion will do to its run, decided from this process's
 * memory of the run (run-state-cache.ts) before the completion is written, so the dispatcher
 * can write the completion and the advance in one statement.
 *
 * Only advances that change pending steps (→ ready, skipped, failed, canceled) and the run's
 * status are predicted: pending steps change only under the run's lock, so if the run is
 * still at the remembered version when the statement locks it, every predicted transition
 * applies exactly. Anything else (cancel requests, a run being canceled, retries, waiting
 * steps, resets) returns null and goes through the transactional path.
 */
import type { PredictedAdvance, PredictedChange } from "./contract";
import { reduce } from "./reducer";
import { runStateCache, withChanges } from "./run-state-cache";

const PREDICTABLE = new Set(["ready", "skipped", "failed", "canceled"]);

export function predictAdvance(runId: string, change: PredictedChange): PredictedAdvance | null {
  const memory = runStateCache.latest(runId);
  if (!memory) return null;
  const step = memory.state.steps.find((s) => s.id === change.id);
  if (!step) return null;
  const before = withChanges(memory.state, [
    { ...change, attempt: step.attempt, maxAttempts: step.maxAttempts, cancelRequested: step.cancelRequested },
  ]);
  const reduced = reduce(before, { type: "settle" });
  if (reduced.rejected) return null;
  const transitions: PredictedAdvance["transitions"] = [];
  let run: PredictedAdvance["run"] = null;
  for (const command of reduced.commands) {
    if (command.type === "run-state") {
      run = { status: command.to, error: command.error, finished: command.finished };
      continue;
    }
    if (command.type !== "step-state" || command.from !== "pending" || !PREDICTABLE.has(command.to)) return null;
    if (command.reset || command.keepStart || command.winner !== undefined || command.maxAttempts !== undefined) return null;
    transitions.push({
      // Usually one transition (the next step of a chain): a scan beats building a map.
      id: before.steps.find((s) => s.key === command.key)!.id,
      state: command.to as PredictedAdvance["transitions"][number]["state"],
      error: command.error ?? null,
      retryable: command.retryable ?? null,
    });
  }
  const ended = reduced.state.finished && !memory.state.finished && reduced.state.steps.some((s) => s.workspace !== "none");
  return {
    expectedVersion: memory.version,
    transitions,
    run,
    ended,
    onCommit: (version) => runStateCache.put(runId, version, reduced.state),
    onStale: () => runStateCache.forget(runId),
  };
}
