/**
 * Runs one agent task for a step through the agent interface: resolves the profile from
 * agent_profiles, finds its backend in the registry, maps the backend's events to step
 * events, and turns the result (or AgentError) into a StepOutcome.
 *
 * Failures a retry can't fix (unknown/disabled profile, backend not in this build, node
 * options the profile's backend doesn't allow, not available, invalid options, refusal) are
 * `retryable: false`; crashes, protocol and HTTP errors and timeouts are retryable within
 * the node's retry limit.
 *
 * The profile is the trust boundary: node options are checked against its backend's
 * allow-list here, at the start of every attempt (a flow saved before the rule existed, a
 * spec already in the database, a re-run with another profile), and only then merged over
 * the profile's config. The agent's environment is the profile's own `env`, resolved from
 * the profile's config alone.
 */
import { checkProfileAvailability } from "../profiles/availability";
import { AgentError, type AgentEvent } from "../agents/types";
import { nodeOptionIssues } from "../agents/node-options";
import { backendFor } from "../agents/registry";
import { resolveProfileEnv } from "../profiles/env";
import { findProfile } from "../profiles/repository";
import { truncationMarker } from "../flow/template";
import type { StepContext, StepEventInput, StepOutcome } from "./contract";
import type { AgentProfileRow } from "../db/schema";

/** A step's stored output is cut past this many characters, with a visible marker. */
export const OUTPUT_LIMIT = 5_000_000;

export interface AgentRun {
  profile: string;
  model?: string;
  prompt: string;
  /** Node options: checked against the profile backend's allow-list, then merged over its config. */
  options: Record<string, unknown>;
  cwd: string | null;
  /** The profile's row, when the caller already started reading it (saves a round trip). */
  profileRow?: Promise<AgentProfileRow | undefined>;
  /** Sees every agent event before it is emitted (live diffs watch tool calls). */
  observe?: (event: AgentEvent) => void;
}

export function mapAgentEvent(event: AgentEvent): StepEventInput {
  const { type, ...data } = event;
  return { type, data };
}

export function limitOutput(output: string): { output: string; outputTruncated: boolean } {
  if (output.length <= OUTPUT_LIMIT) return { output, outputTruncated: false };
  return { output: output.slice(0, OUTPUT_LIMIT) + truncationMarker(output.length - OUTPUT_LIMIT), outputTruncated: true };
}

export function summaryOf(output: string): string {
  const line = output.split("\n").find((l) => l.trim().length > 0)?.trim() ?? "";
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

const fail = (error: string, retryable: boolean, detail: Record<string, unknown> = {}): Extract<StepOutcome, { state: "failed" }> => ({
  state: "failed",
  error,
  retryable,
  detail: { ...detail, retryable },
});

/** Records the rendered prompt on the running attempt (buffered and fenced by the dispatcher). */
export function recordPrompt(context: StepContext, prompt: string): void {
  context.recordPrompt(prompt);
}

export async function runAgent(context: StepContext, run: AgentRun): Promise<StepOutcome> {
  const profile = await (run.profileRow ?? findProfile(context.db, run.profile));
  if (!profile) return fail(`agent profile "${run.profile}" does not exist`, false);
  if (!profile.enabled) return fail(`agent profile "${run.profile}" is disabled`, false);
  const backend = backendFor(profile.backend);
  if (!backend) return fail(`backend "${profile.backend}" (profile "${run.profile}") is not available in this build`, false);
  const config = (profile.config ?? {}) as Record<string, unknown>;
  const refused = nodeOptionIssues(profile.backend, run.options);
  if (refused.length > 0) {
    const reasons = refused.map((issue) => `options.${issue.path}: ${issue.message}`).join("; ");
    return fail(`node options refused for profile "${run.profile}": ${reasons}`, false, { code: "invalid", backend: profile.backend });
  }
  // Shared with the settings page's cache: an ACP check spawns the agent, so checking
  // before every step would start each agent twice.
  const availability = await checkProfileAvailability(profile, { lookup: () => backend });
  if (!availability.available) {
    return fail(`profile "${run.profile}" is unavailable: ${availability.reason}`, false, { backend: profile.backend });
  }
  let streamed = "";
  try {
    const result = await backend.run({
      prompt: run.prompt,
      cwd: run.cwd,
      ...(run.model ? { model: run.model } : {}),
      env: resolveProfileEnv(config, process.env),
      signal: context.signal,
      ...(context.step.timeoutMs ? { timeoutMs: context.step.timeoutMs } : {}),
      options: { ...config, ...run.options },
      attempt: context.step.attempt,
      onEvent(event) {
        if (event.type === "text-chunk") streamed += event.text;
        context.emit(mapAgentEvent(event));
        run.observe?.(event);
      },
    });
    const limited = limitOutput(result.output);
    const detail = { stopReason: result.stopReason, profile: run.profile, backend: profile.backend };
    if (result.stopReason === "cancelled" || context.signal.aborted) {
      return { state: "canceled", output: limited.output, usage: result.usage };
    }
    if (result.stopReason === "refusal") {
      return { ...fail(`the agent refused the task`, false, detail), output: limited.output, usage: result.usage };
    }
    return {
      state: "succeeded",
      ...limited,
      summary: summaryOf(limited.output),
      usage: result.usage,
      detail,
      ...(run.cwd ? { worktree: run.cwd } : {}),
    };
  } catch (error) {
    if (context.signal.aborted) return { state: "canceled", output: streamed };
    if (error instanceof AgentError) {
      const retryable = !["invalid", "unavailable"].includes(error.code);
      return { ...fail(error.message, retryable, { code: error.code, ...error.detail }), output: streamed };
    }
    return { ...fail(`agent crashed: ${error instanceof Error ? error.message : String(error)}`, true), output: streamed };
  }
}
