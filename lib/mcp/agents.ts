/**
 * Paseo-style agents on top of runs. An agent is an ad-hoc one-node flow (its name is the
 * agent's title) and one run of it; the agent id IS the run id, so an agent is an ordinary
 * run in /runs, with its timeline, re-runnable like any other. Archiving soft-deletes the
 * ad-hoc flow (its runs stay), which takes the agent off list_agents.
 */
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Executor } from "../db/client";
import { flows, runs } from "../db/schema";
import type { Provider } from "./format";

/** Marks a flow as created by create_agent (flows have no kind column). */
export const AGENT_FLOW_DESCRIPTION = "Ad-hoc agent started over MCP (create_agent).";
export const AGENT_NODE_ID = "agent";
export const AGENT_TASK_INPUT = "task";

export interface AgentFlowInput {
  title: string;
  provider: Provider;
  /** A git repository: the agent works in a worktree of it. Absent: no repository access. */
  cwd?: string;
}

/** The flow document of one agent: input `task` → one agent node whose prompt is the task. */
export function agentFlowDocument({ title, provider, cwd }: AgentFlowInput) {
  return {
    name: title,
    description: AGENT_FLOW_DESCRIPTION,
    inputs: [{ name: AGENT_TASK_INPUT, required: true, description: "The agent's initial prompt" }],
    nodes: [
      {
        id: AGENT_NODE_ID,
        kind: "agent",
        label: title,
        position: { x: 0, y: 0 },
        config: {
          profile: provider.profile,
          ...(provider.model ? { model: provider.model } : {}),
          prompt: `{{inputs.${AGENT_TASK_INPUT}}}`,
          workspace: cwd ? "code" : "none",
        },
      },
    ],
    edges: [],
  };
}

export interface AgentRow {
  agentId: string;
  title: string;
  flowId: string;
  runStatus: string;
  cwd: string | null;
  createdAt: Date;
}

const agentColumns = {
  agentId: runs.id,
  title: flows.name,
  flowId: flows.id,
  runStatus: runs.status,
  cwd: runs.repo,
  createdAt: runs.createdAt,
};

const isAgentFlow = and(eq(flows.description, AGENT_FLOW_DESCRIPTION), eq(runs.origin, "mcp"));

export async function listAgentRows(db: Executor, { includeArchived = false, limit = 100 } = {}): Promise<AgentRow[]> {
  return db
    .select(agentColumns)
    .from(runs)
    .innerJoin(flows, eq(flows.id, runs.flowId))
    .where(includeArchived ? isAgentFlow : and(isAgentFlow, isNull(flows.deletedAt)))
    .orderBy(desc(runs.createdAt))
    .limit(limit);
}

/** The agent (archived ones included: their runs still exist), or undefined if the id isn't an agent. */
export async function findAgentRow(db: Executor, agentId: string): Promise<AgentRow | undefined> {
  const [row] = await db
    .select(agentColumns)
    .from(runs)
    .innerJoin(flows, eq(flows.id, runs.flowId))
    .where(and(isAgentFlow, eq(runs.id, agentId)));
  return row;
}
