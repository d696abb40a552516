/**
 * Baton as an MCP server (conductor mode): one McpServer with flow tools (list_flows,
 * run_flow, get_run, wait_for_run, rerun_step, cancel_run), blueprint tools
 * (describe_flow_format, validate_flow, get_flow, create_flow, update_flow) and Paseo-compatible agent tools
 * (create_agent, wait_for_agent, get_agent_status, list_agents, cancel_agent,
 * archive_agent, list_providers). Transports: lib/mcp/http.ts (Streamable HTTP at
 * /api/mcp) and scripts/mcp-stdio.ts.
 *
 * Invariant: everything a tool starts is an ordinary run (origin "mcp") created through the
 * run service, so it appears in /runs with its timeline and can be re-run from the UI.
 */
import { McpServer, type RegisteredTool, type ToolCallback } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { AnySchema, ZodRawShapeCompat } from "@modelcontextprotocol/sdk/server/zod-compat.js";
import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { jsonProblem } from "../http/json-guard";
import { toolError } from "./tool-result";
import type { ToolContext } from "./context";
import { registerFlowTools } from "./flow-tools";
import { registerAgentTools } from "./agent-tools";
import { registerBlueprintTools, registerFormatTools } from "./blueprint-tools";

export const SERVER_INFO = { name: "baton", version: "0.1.0" };

const INSTRUCTIONS = `Baton runs AI coding-agent work as flows on a deterministic engine.
- Blueprints (write a flow once, the engine runs it every time): describe_flow_format, then validate_flow {document} until it has no problems, then create_flow {document} (or update_flow {flowId, document, baseVersion}); a person can review it in Baton's designer.
- Flows: list_flows, then run_flow {flowId, inputs, repo?: a git repository's absolute path, or "example"}; wait_for_run until it ends (waits are bounded: when timedOut is true, call it again). A failed step can be re-run with rerun_step.
- Single agents: create_agent {title, provider: "profile" or "profile/model" (see list_providers), initialPrompt, cwd?: a git repo}, then wait_for_agent {agentId}.
- Step outputs in results are capped to their end; get_step_output {runId, stepId} reads a whole output, a page at a time.`;

/**
 * Every tool's arguments are checked for what no field may hold (a NUL, a lone surrogate,
 * absurd nesting: lib/http/json-guard.ts) before its handler runs, on both transports — the
 * tool boundary, as the body parser is for HTTP routes. A refusal is an `isError` result
 * naming the argument, so the model can correct itself.
 */
class GuardedMcpServer extends McpServer {
  override registerTool<OutputArgs extends ZodRawShapeCompat | AnySchema, InputArgs extends undefined | ZodRawShapeCompat | AnySchema = undefined>(
    name: string,
    config: {
      title?: string;
      description?: string;
      inputSchema?: InputArgs;
      outputSchema?: OutputArgs;
      annotations?: ToolAnnotations;
      _meta?: Record<string, unknown>;
    },
    callback: ToolCallback<InputArgs>,
  ): RegisteredTool {
    const handler = callback as (...args: unknown[]) => unknown;
    const guarded = (...args: unknown[]) => {
      // With an input schema the handler gets (arguments, extra); without, only (extra).
      const problem = config.inputSchema === undefined ? null : jsonProblem(args[0]);
      return problem ? toolError(`invalid arguments: ${problem.path}: ${problem.message}`) : handler(...args);
    };
    return super.registerTool(name, config, guarded as ToolCallback<InputArgs>);
  }
}

export function createBatonMcpServer(context: ToolContext): McpServer {
  const server = new GuardedMcpServer(SERVER_INFO, { instructions: INSTRUCTIONS });
  registerFlowTools(server, context);
  registerBlueprintTools(server, context);
  registerAgentTools(server, context);
  return server;
}

/**
 * Only describe_flow_format and validate_flow: the drafting agent's tools. Nothing it can
 * call saves, updates or runs a flow (the draft goes to a person, unsaved).
 */
export function createFormatToolsMcpServer(context: ToolContext): McpServer {
  const server = new GuardedMcpServer(SERVER_INFO, {
    instructions: "Baton's flow format: describe_flow_format explains how to write a flow document; validate_flow {document} checks one exactly as saving would, listing every problem with its path.",
  });
  registerFormatTools(server, context);
  return server;
}
