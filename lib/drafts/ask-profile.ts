/**
 * One prompt to one agent profile, outside any run: the drafting agent's turn. The same
 * profile rules as a step (lib/engine/run-agent.ts): the profile's backend, config, env and
 * HOME, its timeout; no node options, no repository (cwd null — the draft is text only).
 */
import { backendFor } from "../agents/registry";
import { AgentError } from "../agents/types";
import type { Executor } from "../db/client";
import { agentTimeoutMs } from "../engine/run-agent";
import { HttpError } from "../http/errors";
import { agentEnvOf, prepareAgentHomeOrThrow } from "../profiles/home";
import { findProfile } from "../profiles/repository";

export async function askProfileOrThrow(db: Executor, profileId: string, prompt: string, options: { dataDir: string; signal: AbortSignal }): Promise<string> {
  const profile = await findProfile(db, profileId);
  if (!profile) throw new HttpError("validation_failed", `profile: no agent profile "${profileId}"`);
  if (!profile.enabled) throw new HttpError("validation_failed", `profile: "${profileId}" is disabled`);
  const backend = backendFor(profile.backend);
  if (!backend) throw new HttpError("validation_failed", `profile: backend "${profile.backend}" is not available in this build`);
  const config = (profile.config ?? {}) as Record<string, unknown>;
  const agentEnv = agentEnvOf({ id: profile.id, config }, options.dataDir);
  await prepareAgentHomeOrThrow(agentEnv, config.homeFiles);
  try {
    const result = await backend.run({
      prompt,
      cwd: null,
      env: agentEnv.env,
      signal: options.signal,
      timeoutMs: agentTimeoutMs(null, config),
      options: config,
      attempt: 1,
      onEvent: () => {},
    });
    return result.output;
  } catch (error) {
    // The agent's own failure is the answer to this request, not a server fault.
    if (error instanceof AgentError) throw new HttpError("conflict", `the drafting agent (${profileId}) failed: ${error.message}`);
    throw error;
  }
}
