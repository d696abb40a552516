/**
 * A fold step: mode "agent" runs its synthesis prompt as an agent task; mode "concat" joins
 * its inputs' outputs under headings and, on a run with a repo, merges their commits
 * (lib/engine/execute-code.ts concatCommit).
 */
import type { KindExecutor } from "../executor-types";
import type { StepContext, StepOutcome } from "../../engine/contract";
import { loadRunLineage } from "../../engine/code-workspace";
import { executeAgentTask } from "../../engine/execute-agent";
import { concatCommit } from "../../engine/execute-code";
import { concatOutputs } from "../../engine/render";
import { limitOutput } from "../../engine/run-agent";
import { loadNodeSteps } from "../../engine/step-data";
import type { FoldStep } from "./definition";

export const foldExecutor: KindExecutor<FoldStep> = {
  async execute(context, spec) {
    if (spec.fold.mode === "concat") return executeConcat(context, spec);
    // plan() gives a fold "agent" its profile and prompt; validation refuses one without a
    // profile, but a spec is input all the same.
    if (!spec.profile) {
      return { state: "failed", error: `profile: fold mode "agent" of "${spec.nodeId}" needs a profile`, retryable: false, detail: { retryable: false } };
    }
    return executeAgentTask(context, { ...spec, profile: spec.profile, prompt: spec.prompt ?? "" });
  },
};

async function executeConcat(context: StepContext, spec: FoldStep): Promise<StepOutcome> {
  const loaded = await loadNodeSteps(context.db, context.step.runId, spec.upstream);
  const byNode = new Map(loaded.filter((s) => s.role !== "contestant").map((s) => [s.nodeId, s]));
  const inputs = spec.upstream.map((id) => byNode.get(id)).filter((s) => s !== undefined);
  const output = limitOutput(concatOutputs(inputs, spec.fold.separator));
  const lineage = await loadRunLineage(context.db, context.step.runId, context.git);
  const commit = lineage ? await concatCommit(context, spec, lineage) : {};
  if (commit.state === "failed") return commit;
  return { state: "succeeded", ...output, summary: `${inputs.length} inputs joined`, detail: { mode: "concat", inputs: spec.upstream }, ...commit };
}
