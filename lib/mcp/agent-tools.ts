/**
 * Paseo-compatible agent tools. Names and parameters follow Paseo's MCP server, which
 * models already know; each agent is a one-node run (see agents.ts), so everything here is
 * also visible and re-runnable in Baton's UI.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Db } from "../db/client";
import { createFlowOrThrow } from "../flows/service";
import { markDeleted } from "../flows/repository";
import { HttpError, notFound } from "../http/errors";
import { findProfile } from "../profiles/repository";
import { cancelRunOrThrow, startRunOrThrow } from "../runs/service";
import { AGENT_NODE_ID, AGENT_TASK_INPUT, agentFlowDocument, findAgentRow, listAgentRows, type AgentRow } from "./agents";
import type { ToolContext } from "./context";
import { agentOutputShape } from "./output-schemas";
import { confinedRepoOrThrow } from "./repo";
import { agentStatusOf, isTerminalRunStatus, parseProvider, runPointer, TEXT_CAP } from "./format";
import { DEFAULT_WAIT_SEC, MAX_WAIT_SEC, waitForRunOrThrow } from "./run-wait";
import { loadRunViewOrThrow } from "./run-view";
import { checkedProfiles } from "./profiles";
import { guarded, ok } from "./tool-result";

const agentIdShape = { agentId: z.string().trim().min(1, "agentId is required").max(200).describe("As returned by create_agent") };

const createShape = {
  title: z.string().trim().min(1, "title is required").max(200).describe("Short title (shown as the run's flow name)"),
  provider: z
    .string()
    .trim()
    .min(1, "provider is required")
    .max(300)
    .describe('Agent profile, optionally with a model: "demo", "claude", "claude/sonnet" (see list_providers)'),
  initialPrompt: z.string().trim().min(1, "initialPrompt is required").max(200_000).describe("The task"),
  cwd: z
    .string()
    .max(4096)
    .optional()
    .describe("Absolute path of a git repository; the agent works in its own worktree of it. Omit for no repository access"),
};

async function agentOrThrow(db: Db, agentId: string): Promise<AgentRow> {
  const agent = await findAgentRow(db.orm, agentId);
  // Names no other tool: "list_agents" collides with coding agents' own tool of that name.
  if (!agent) throw notFound(`agent "${agentId}" (agent ids are what create_agent returned)`);
  return agent;
}

/** Status plus the agent's last message (its output, or its error), capped. */
async function agentState(db: Db, agent: AgentRow) {
  const view = await loadRunViewOrThrow(db.orm, agent.agentId, TEXT_CAP);
  const step = view.steps.find((candidate) => candidate.nodeId === AGENT_NODE_ID);
  const lastMessage = step?.error ? `error: ${step.error}${step.output ? `\n${step.output}` : ""}` : (step?.output ?? view.error ?? null);
  return {
    agentId: agent.agentId,
    title: agent.title,
    status: agentStatusOf(view.status),
    runStatus: view.status,
    cwd: agent.cwd,
    lastMessage,
    lastMessageTruncated: step?.outputTruncated ?? false,
    fullOutput: runPointer(agent.agentId),
    ui: `/runs/${agent.agentId}`,
  };
}

function stateText(state: Awaited<ReturnType<typeof agentState>>, prefix = ""): string {
  return `${prefix}agent ${state.agentId} "${state.title}": ${state.status} (run ${state.runStatus})\n${state.lastMessage ?? "(no message yet)"}`;
}

export function registerAgentTools(server: McpServer, context: ToolContext): void {
  const { log } = context;

  server.registerTool(
    "create_agent",
    {
      title: "Create agent",
      description:
        "Starts one agent on one task (a one-node Baton run, visible in the Runs page). Returns at once with agentId; use wait_for_agent for the result.",
      inputSchema: createShape,
      outputSchema: agentOutputShape,
    },
    async ({ title, provider, initialPrompt, cwd }) =>
      guarded(async () => {
        const parsed = parseProvider(provider);
        if (!parsed.ok) throw new HttpError("validation_failed", parsed.message);
        const db = await context.db();
        if (!(await findProfile(db.orm, parsed.value.profile))) {
          throw new HttpError("validation_failed", `provider: unknown agent profile "${parsed.value.profile}" (see list_providers)`);
        }
        const repo = await confinedRepoOrThrow(cwd);
        const flow = await createFlowOrThrow(db, agentFlowDocument({ title, provider: parsed.value, cwd: repo }), "created by create_agent");
        let runId: string;
        try {
          ({ id: runId } = await startRunOrThrow(db, {
            flowId: flow.id,
            inputs: { [AGENT_TASK_INPUT]: initialPrompt },
            ...(repo ? { repo } : {}),
            origin: "mcp",
          }));
        } catch (error) {
          // No run, no agent: don't leave an orphan ad-hoc flow in the flow list.
          await markDeleted(db.orm, flow.id);
          throw error;
        }
        const state = await agentState(db, await agentOrThrow(db, runId));
        const note = context.runNote ? { note: context.runNote } : {};
        return ok({ ...state, provider: parsed.value, ...note }, `${stateText(state, "created ")}${context.runNote ? `\n${context.runNote}` : ""}`);
      }, log),
  );

  server.registerTool(
    "wait_for_agent",
    {
      title: "Wait for agent",
      description:
        "Waits until the agent finishes or timeoutSec passes. Returns {status, lastMessage, timedOut}; timedOut: true does not mean failure — call again to keep waiting.",
      inputSchema: {
        ...agentIdShape,
        timeoutSec: z.coerce.number().int().min(1).max(MAX_WAIT_SEC).default(DEFAULT_WAIT_SEC).describe("Longest wait in seconds"),
      },
      outputSchema: agentOutputShape,
      annotations: { readOnlyHint: true },
    },
    async ({ agentId, timeoutSec }, extra) =>
      guarded(async () => {
        const db = await context.db();
        const agent = await agentOrThrow(db, agentId);
        const waited = await waitForRunOrThrow(db, agentId, timeoutSec, extra);
        const state = await agentState(db, agent);
        const timedOut = waited.timedOut && !isTerminalRunStatus(state.runStatus);
        return ok({ ...state, timedOut, waitedSec: waited.waitedSec }, stateText(state, timedOut ? "still running (timed out waiting; call wait_for_agent again)\n" : ""));
      }, log),
  );

  server.registerTool(
    "get_agent_status",
    {
      title: "Get agent status",
      description: "The agent's status and last message, without waiting.",
      inputSchema: agentIdShape,
      outputSchema: agentOutputShape,
      annotations: { readOnlyHint: true },
    },
    async ({ agentId }) =>
      guarded(async () => {
        const db = await context.db();
        const state = await agentState(db, await agentOrThrow(db, agentId));
        return ok(state, stateText(state));
      }, log),
  );

  server.registerTool(
    "list_agents",
    {
      title: "List agents",
      description: "Agents started with create_agent, newest first (archived ones only when asked).",
      inputSchema: { includeArchived: z.boolean().default(false) },
      annotations: { readOnlyHint: true },
    },
    async ({ includeArchived }) =>
      guarded(async () => {
        const db = await context.db();
        const agents = (await listAgentRows(db.orm, { includeArchived })).map((agent) => ({
          agentId: agent.agentId,
          title: agent.title,
          status: agentStatusOf(agent.runStatus),
          runStatus: agent.runStatus,
          cwd: agent.cwd,
          createdAt: agent.createdAt.toISOString(),
        }));
        return ok({ agents });
      }, log),
  );

  server.registerTool(
    "cancel_agent",
    {
      title: "Cancel agent",
      description: "Stops the agent's run.",
      inputSchema: agentIdShape,
      outputSchema: agentOutputShape,
      annotations: { destructiveHint: true },
    },
    async ({ agentId }) =>
      guarded(async () => {
        const db = await context.db();
        const agent = await agentOrThrow(db, agentId);
        if (!isTerminalRunStatus(agent.runStatus)) await cancelRunOrThrow(db, agentId);
        const state = await agentState(db, agent);
        return ok(state, stateText(state, "cancel requested: "));
      }, log),
  );

  server.registerTool(
    "archive_agent",
    {
      title: "Archive agent",
      description: "Cancels the agent if it is still running and removes it from list_agents. Its run stays in Baton's history.",
      inputSchema: agentIdShape,
      annotations: { destructiveHint: true },
    },
    async ({ agentId }) =>
      guarded(async () => {
        const db = await context.db();
        const agent = await agentOrThrow(db, agentId);
        if (!isTerminalRunStatus(agent.runStatus)) await cancelRunOrThrow(db, agentId);
        await markDeleted(db.orm, agent.flowId);
        return ok({ agentId, archived: true }, `agent ${agentId} archived`);
      }, log),
  );

  server.registerTool(
    "list_providers",
    {
      title: "List providers",
      description:
        'Agent profiles usable as create_agent\'s provider ("profile" or "profile/model"), each with whether it is available and why. check "installed" (default) only looks for the program; "started" starts each agent once, which takes seconds.',
      inputSchema: {
        check: z.enum(["installed", "started", "authenticated"]).default("installed").describe("How far to check availability"),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ check }) =>
      guarded(async () => {
        const db = await context.db();
        const providers = (await checkedProfiles(db.orm, check)).map((profile) => ({
          provider: profile.id,
          label: profile.label,
          backend: profile.backend,
          enabled: profile.enabled,
          available: profile.available,
          reason: profile.reason ?? null,
          checked: profile.checked,
          model: profile.model,
        }));
        const lines = providers.map(
          (p) => `- ${p.provider}${p.model ? ` (model ${p.model})` : ""}: ${p.label} — ${!p.enabled ? "disabled" : p.available ? "available" : "NOT available"} (${p.checked}: ${p.reason})`,
        );
        return ok({ providers }, lines.join("\n"));
      }, log),
  );
}
