/**
 * Pure helpers for MCP tool results: capped text with a pointer to the full output, the
 * Paseo-style agent status of a run, and `provider` strings ("profile/model").
 */
import { PROFILE_ID_PATTERN } from "../kinds/fields";

/** Text a tool returns inline; the rest is one HTTP call away. Models pay for every token. */
export const TEXT_CAP = 4000;

export interface CappedText {
  text: string;
  truncated: boolean;
  /** Characters left out. */
  omitted: number;
}

/**
 * Keeps the END of the text: for an agent's output the last message is what answers the task.
 * The marker names how much was cut and how to read the whole text (a tool call: a relative
 * URL means nothing to a client over stdio).
 */
export function capText(text: string, pointer: string, cap = TEXT_CAP): CappedText {
  if (text.length <= cap) return { text, truncated: false, omitted: 0 };
  const omitted = text.length - cap;
  return { text: `[… ${omitted} earlier characters omitted; read them with ${pointer}]\n${text.slice(-cap)}`, truncated: true, omitted };
}

export const runPointer = (runId: string) => `/api/runs/${runId}`;

/** How a model reads a step's whole output, over any transport. */
export const stepOutputPointer = (runId: string, stepKey: string) => `get_step_output {"runId": "${runId}", "stepId": "${stepKey}"}`;

/** Paseo's agent lifecycle names, which models already know. */
export type AgentStatus = "initializing" | "running" | "idle" | "error" | "closed";

export function agentStatusOf(runStatus: string): AgentStatus {
  switch (runStatus) {
    case "pending":
      return "initializing";
    case "running":
    case "waiting":
      return "running";
    case "succeeded":
      return "idle";
    case "failed":
      return "error";
    default:
      return "closed";
  }
}

export const TERMINAL_RUN_STATUSES = new Set(["succeeded", "failed", "canceled"]);

export function isTerminalRunStatus(status: string): boolean {
  return TERMINAL_RUN_STATUSES.has(status);
}

export interface Provider {
  profile: string;
  model?: string;
}

/** `demo` or `claude/sonnet` or `openrouter/anthropic/claude-3.5` (the model keeps its slashes). */
export function parseProvider(provider: string): { ok: true; value: Provider } | { ok: false; message: string } {
  const trimmed = provider.trim();
  const slash = trimmed.indexOf("/");
  const profile = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const model = slash < 0 ? undefined : trimmed.slice(slash + 1).trim();
  if (!PROFILE_ID_PATTERN.test(profile)) {
    return { ok: false, message: `provider: "${profile}" is not a profile id (lowercase letters, digits, . _ -); use "profile" or "profile/model"` };
  }
  if (model !== undefined && model === "") return { ok: false, message: `provider: model after "${profile}/" is empty` };
  return { ok: true, value: model === undefined ? { profile } : { profile, model } };
}
