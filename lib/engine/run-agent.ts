/**
 * Runs one agent task for a step through the agent interface: resolves the profile from
 * agent_profiles, finds its backend in the registry, maps the backend's events to step
 * events, and turns the result (or AgentError) into a StepOutcome.
 *
 * Failures a retry can't fix (unknown/disabled profile, backend not in this build, node
 * options the profile's backend doesn't allow, invalid options, refusal) are
 * `retryable: false`; crashes, protocol and HTTP errors and timeouts are retryable within
 * the node's retry limit.
 *
 * The profile is the trust boundary: node options are checked against its backend's
 * allow-list here, at the start of every attempt (a flow saved before the rule existed, a
 * spec already in the database, a re-run with another profile), and only then merged over
 * the profile's config. The agent's environment is the profile's own `env`, resolved from
 * the profile's config alone.
 *
 * No availability check runs first: the step's own start (an ACP `initialize`) is the check,
 * so an agent starts once per step and a slow start is the step's (retryable) timeout, never
 * a cached "unavailable". Every agent step has a timeout: the node's, else the profile's
 * `timeoutSec`, else DEFAULT_AGENT_TIMEOUT_SEC.
 */
import { AgentError, type AgentEvent, type AgentTask } from "../agents/types";
import { runTurns } from "../agents/turns";
import { nodeOptionIssues } from "../agents/node-options";
import { backendFor } from "../agents/registry";
import { agentEnvOf, prepareAgentHomeOrThrow } from "../profiles/home";
import { findProfile } from "../profiles/repository";
import { FailedEdits } from "./failed-edits";
import { truncationMarker } from "../flow/template";
import type { StepContext, StepEventInput, StepOutcome } from "./contract";
import type { AgentProfileRow } from "../db/schema";

/** A step's stored output is cut past this many characters, with a visible marker. */
export const OUTPUT_LIMIT = 5_000_000;

/** An agent step's timeout when neither its node nor its profile sets one. */
export const DEFAULT_AGENT_TIMEOUT_SEC = 30 * 60;

/** The timeout an agent step runs with: the node's, else the profile's, else the default. */
export function agentTimeoutMs(stepTimeoutMs: number | null | undefined, profileConfig: Record<string, unknown>): number {
  if (stepTimeoutMs) return stepTimeoutMs;
  const profileSec = profileConfig.timeoutSec;
  return (typeof profileSec === "number" && profileSec > 0 ? profileSec : DEFAULT_AGENT_TIMEOUT_SEC) * 1000;
}

export interface AgentRun {
  profile: string;
  model?: string;
  prompt: string;
  /** Node options: checked against the profile backend's allow-list, then merged over its config. */
  options: Record<string, unknown>;
  cwd: string | null;
  /** The profile's row, when the caller already started reading it (saves a round trip). */
  profileRow?: Promise<AgentProfileRow | undefined>;
  /** A review round: the session to continue and the review-only prompt for it (AgentTask.resume). */
  resume?: { sessionId: string; prompt: string };
  /** Sees every agent event before it is emitted (live diffs watch tool calls). */
  observe?: (event: AgentEvent) => void;
  /** More turns in the same session (AgentTask.followUp; a fix loop's rounds). */
  followUp?: AgentTask["followUp"];
  /** Each turn's timeout, over agentTimeoutMs's choice (a fix loop's per-round timeout). */
  timeoutMs?: number;
}

/** Detail of a step that timed out, whoever noticed first (the backend or the worker). */
export const TIMED_OUT = { reason: "timed_out" } as const;

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
  const agentEnv = agentEnvOf({ id: profile.id, config }, context.dataDir);
  try {
    await prepareAgentHomeOrThrow(agentEnv, config.homeFiles);
  } catch (error) {
    return fail(`cannot prepare the profile's HOME ${agentEnv.home}: ${error instanceof Error ? error.message : String(error)}`, false);
  }
  if (agentEnv.missing.length > 0) {
    context.emit({ type: "log-line", data: { stream: "info", text: `profile "${run.profile}" env references unset variables: ${agentEnv.missing.join(", ")}` } });
  }
  const timeoutMs = run.timeoutMs ?? agentTimeoutMs(context.step.timeoutMs, config);
  const failedEdits = new FailedEdits();
  let streamed = "";
  try {
    const result = await runTurns(backend, {
      prompt: run.prompt,
      cwd: run.cwd,
      ...(run.model ? { model: run.model } : {}),
      env: agentEnv.env,
      signal: context.signal,
      timeoutMs,
      options: { ...config, ...run.options },
      attempt: context.step.attempt,
      ...(run.resume ? { resume: run.resume } : {}),
      ...(run.followUp ? { followUp: run.followUp } : {}),
      onEvent(event) {
        if (event.type === "text-chunk") streamed += event.text;
        failedEdits.observe(event);
        context.emit(mapAgentEvent(event));
        run.observe?.(event);
      },
    });
    const limited = limitOutput(result.output);
    const failed = failedEdits.list();
    const session = result.sessionId ? { sessionId: result.sessionId, sessionLoaded: result.sessionLoaded ?? false } : {};
    const detail = { stopReason: result.stopReason, profile: run.profile, backend: profile.backend, ...session, ...(failed.length ? { failedEdits: failed } : {}) };
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
      const timedOut = error.code === "timeout" && !("startTimeoutMs" in error.detail);
      return { ...fail(error.message, retryable, { code: error.code, ...error.detail, ...(timedOut ? TIMED_OUT : {}) }), output: streamed };
    }
    return { ...fail(`agent crashed: ${error instanceof Error ? error.message : String(error)}`, true), output: streamed };
  }
}
