/**
 * Baton as an MCP server (conductor mode): one McpServer with flow tools (list_flows,
 * run_flow, get_run, wait_for_run, rerun_step, cancel_run) and Paseo-compatible agent tools
 * (create_agent, wait_for_agent, get_agent_status, list_agents, cancel_agent,
 * archive_agent, list_providers). Transports: lib/mcp/http.ts (Streamable HTTP at
 * /api/mcp) and scripts/mcp-stdio.ts.
 *
 * Invariant: everything a tool starts is an ordinary run (origin "mcp") created through the
 * run service, so it appears in /runs with its timeline and can be re-run from the UI.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ToolContext } from "./context";
import { registerFlowTools } from "./flow-tools";
import { registerAgentTools } from "./agent-tools";

export const SERVER_INFO = { name: "baton", version: "0.1.0" };

const INSTRUCTIONS = `Baton runs AI coding-agent work as flows on a deterministic engine.
- Flows: list_flows, then run_flow {flowId, inputs}; wait_for_run until it ends (waits are bounded: when timedOut is true, call it again). A failed step can be re-run with rerun_step.
- Single agents: create_agent {title, provider: "profile" or "profile/model" (see list_providers), initialPrompt, cwd?: a git repo}, then wait_for_agent {agentId}.
Returned text is capped; the full output of any run is at /api/runs/<runId>.`;

export function createBatonMcpServer(context: ToolContext): McpServer {
  const server = new McpServer(SERVER_INFO, { instructions: INSTRUCTIONS });
  registerFlowTools(server, context);
  registerAgentTools(server, context);
  return server;
}
