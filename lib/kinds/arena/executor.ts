/**
 * An arena's steps: each contestant runs the arena's prompt as its own agent task (in its own
 * worktree, all from the same start commit); the select step picks the winner (select.ts).
 */
import type { KindExecutor } from "../executor-types";
import { executeAgentTask } from "../../engine/execute-agent";
import { loadNodeSteps, loadRunInfo } from "../../engine/step-data";
import type { ArenaStep } from "./definition";
import { executeSelect } from "./select";

export const arenaExecutor: KindExecutor<ArenaStep> = {
  async execute(context, spec) {
    if (spec.role === "contestant") return executeAgentTask(context, spec);
    const [run, loaded] = await Promise.all([
      loadRunInfo(context.db, context.step.runId),
      loadNodeSteps(context.db, context.step.runId, [spec.nodeId]),
    ]);
    return executeSelect(context, spec, run, loaded.filter((s) => s.role === "contestant"));
  },
};
