/**
 * Engine.executeStep: what one step attempt does. The stored spec is parsed (a spec from an
 * older build that no longer parses fails the step, not retryably) and handed to its kind's
 * executor (lib/kinds/<kind>/executor.ts, table in lib/kinds/executors.ts).
 *
 * Where code steps work (workspace "code"):
 * - the run names a repo: a git worktree per attempt (execute-code.ts, code-workspace.ts),
 *   started from the base commit / upstream result commit / merge of several, committed at
 *   the end; a check runs in the upstream step's worktree, or a fresh one at its commit;
 * - no repo: a scratch directory per attempt under the data dir (no git, no diff); a check
 *   runs in the upstream step's scratch dir, else a scratch dir of its own.
 * Workspace "none": no directory at all (cwd null).
 * Cancellation arrives through `context.signal` (the dispatcher turns cancel requests and
 * timeouts into aborts and decides the final outcome from the reason).
 */
import type { StepContext, StepOutcome } from "./contract";
import { stepSpecSchema, type StepSpec } from "../kinds";
import type { KindExecutor } from "../kinds/executor-types";
import { EXECUTORS } from "../kinds/executors";

export async function executeStep(context: StepContext): Promise<StepOutcome> {
  const parsed = stepSpecSchema.safeParse(context.step.spec);
  if (!parsed.success) {
    return { state: "failed", error: `step spec is invalid: ${parsed.error.issues[0]?.message}`, retryable: false, detail: { retryable: false } };
  }
  const executor: KindExecutor<StepSpec> = EXECUTORS[parsed.data.kind];
  return executor.execute(context, parsed.data);
}
