/** An agent step: its profile runs its prompt (lib/engine/execute-agent.ts). */
import type { KindExecutor } from "../executor-types";
import { executeAgentTask } from "../../engine/execute-agent";
import type { AgentStep } from "./definition";

export const agentExecutor: KindExecutor<AgentStep> = {
  execute: (context, spec) => executeAgentTask(context, spec),
};
