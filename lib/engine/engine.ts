/**
 * The Engine the dispatcher calls (see contract.ts): node semantics + the reducer on Postgres.
 * When a completion ends a run, the dispatcher calls onRunEnded after the commit, which removes
 * the run's worktrees and scratch dirs in the background (run-cleanup.ts); it never delays an
 * outcome and never throws. Its promise settles when that work is done (test harnesses wait).
 */
import type { Engine } from "./contract";
import type { Executor } from "../db/client";
import { advanceRun, advanceRuns } from "./apply-run-event";
import { executeStep } from "./execute-step";
import { cleanupRunIfFinished, sweepFinishedRuns } from "./run-cleanup";
import { predictAdvance } from "./predict-advance";

async function onRunEnded(db: Executor, dataDir: string, runId: string): Promise<void> {
  await cleanupRunIfFinished(db, dataDir, runId).catch((error: unknown) => {
    console.error(`[baton] cleaning up run ${runId} failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  await sweepFinishedRuns(db, dataDir);
}

async function sweepFinished(db: Executor, dataDir: string): Promise<void> {
  await sweepFinishedRuns(db, dataDir, true);
}

export const engine = { executeStep, advanceRun, advanceRuns, predictAdvance, onRunEnded, sweepFinished } satisfies Engine;
export { advanceRun, advanceRuns, executeStep, predictAdvance };
