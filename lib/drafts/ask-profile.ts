/**
 * One prompt to one agent profile, outside any run: the drafting agent's turn. The same
 * profile rules as a step (lib/engine/run-agent.ts): the profile's backend, config, env and
 * HOME, its timeout; no node options, no repository (cwd null — the draft is text only).
 */
import { backendFor } from "../agents/registry";
import { AgentError, type AgentBackend, type AgentEvent, type AgentTask, type TaskTools } from "../agents/types";
import type { Executor } from "../db/client";
import { agentTimeoutMs } from "../engine/run-agent";
import { HttpError } from "../http/errors";
import { agentEnvOf, prepareAgentHomeOrThrow } from "../profiles/home";
import { findProfile } from "../profiles/repository";

export interface Drafter {
  profileId: string;
  backend: AgentBackend;
  config: Record<string, unknown>;
  env: Record<string, string>;
}

/** The profile, ready to be asked: refused (naming the field) when it can't draft. */
export async function drafterOrThrow(db: Executor, profileId: string, dataDir: string): Promise<Drafter> {
  const profile = await findProfile(db, profileId);
  if (!profile) throw new HttpError("validation_failed", `profile: no agent profile "${profileId}"`);
  if (!profile.enabled) throw new HttpError("validation_failed", `profile: "${profileId}" is disabled`);
  const backend = backendFor(profile.backend);
  if (!backend) throw new HttpError("validation_failed", `profile: backend "${profile.backend}" is not available in this build`);
  const config = (profile.config ?? {}) as Record<string, unknown>;
  const agentEnv = agentEnvOf({ id: profile.id, config }, dataDir);
  await prepareAgentHomeOrThrow(agentEnv, config.homeFiles);
  return { profileId: profile.id, backend, config, env: agentEnv.env };
}

/** One turn (its events to `onEvent`: the dialog's progress), with the drafting tools in the form the backend takes (draft-tools.ts, draft-mcp.ts). */
export async function askOrThrow(drafter: Drafter, prompt: string, options: { signal: AbortSignal; tools?: TaskTools; mcpHttp?: AgentTask["mcpHttp"]; onEvent?: (event: AgentEvent) => void }): Promise<string> {
  try {
    const result = await drafter.backend.run({
      prompt,
      cwd: null,
      // The turn runs in an empty scratch directory Baton made (cwd null). Gemini CLI connects
      // to no MCP server in a folder it doesn't trust, which would leave it without the draft
      // tools; trusting that empty directory exposes nothing. Other agents ignore the variable.
      env: { ...drafter.env, ...(options.mcpHttp ? { GEMINI_CLI_TRUST_WORKSPACE: "true" } : {}) },
      signal: options.signal,
      timeoutMs: agentTimeoutMs(null, drafter.config),
      options: drafter.config,
      attempt: 1,
      ...(options.tools && drafter.backend.offersTaskTools ? { tools: options.tools } : {}),
      ...(options.mcpHttp && drafter.backend.connectsMcpHttp ? { mcpHttp: options.mcpHttp } : {}),
      onEvent: options.onEvent ?? (() => {}),
    });
    return result.output;
  } catch (error) {
    // The agent's own failure is the answer to this request, not a server fault.
    if (error instanceof AgentError) throw new HttpError("conflict", `the drafting agent (${drafter.profileId}) failed: ${error.message}`);
    throw error;
  }
}
