/**
 * The Engine the dispatcher calls (see contract.ts): node semantics + the reducer on Postgres.
 * After an attempt ends, a background task removes the run's worktrees and scratch dirs once
 * the completion is committed and the run has ended (run-cleanup.ts); it never delays the
 * outcome and never throws.
 */
import type { Engine, StepContext, StepOutcome } from "./contract";
import { advanceRun } from "./apply-run-event";
import { executeStep as executeStepOnly } from "./execute-step";
import { afterStepCompleted } from "./run-cleanup";

async function executeStep(context: StepContext): Promise<StepOutcome> {
  let outcome: StepOutcome | null = null;
  try {
    outcome = await executeStepOnly(context);
    return outcome;
  } finally {
    if (outcome?.state !== "waiting") void afterStepCompleted(context);
  }
}

export const engine: Engine = { executeStep, advanceRun };
export { advanceRun, executeStep };
