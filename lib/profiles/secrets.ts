/**
 * Secret redaction at the source: every agent backend's run is wrapped so that no value a
 * profile pulled from the environment by reference ("$OPENAI_API_KEY") can leave it in an
 * event, the output or an error — even when the agent prints its own environment. The engine
 * may redact again; redaction is idempotent.
 */
import { AgentError, type AgentEvent, type AgentResult, type AgentTask } from "../agents/types";
import { profileSecretValues, redactSecrets } from "./env";

/** Redacts every string inside a JSON-like value (events carry nested tool inputs). */
export function redactDeep<T>(value: T, secrets: string[]): T {
  if (typeof value === "string") return redactSecrets(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)])) as T;
  }
  return value;
}

export function withSecretRedaction(run: (task: AgentTask) => Promise<AgentResult>): (task: AgentTask) => Promise<AgentResult> {
  return async (task) => {
    const secrets = profileSecretValues(task.options, { ...process.env, ...task.env });
    if (secrets.length === 0) return run(task);
    const followUp = task.followUp;
    const wrapped: AgentTask = {
      ...task,
      onEvent: (event: AgentEvent) => task.onEvent(redactDeep(event, secrets)),
      // A turn's answer reaches the caller before the task ends (a fix loop's round).
      ...(followUp ? { followUp: (turn: AgentResult) => followUp({ ...turn, output: redactSecrets(turn.output, secrets) }) } : {}),
    };
    try {
      const result = await run(wrapped);
      return { ...result, output: redactSecrets(result.output, secrets) };
    } catch (error) {
      if (error instanceof AgentError) throw new AgentError(error.code, redactSecrets(error.message, secrets), redactDeep(error.detail, secrets));
      if (error instanceof Error) error.message = redactSecrets(error.message, secrets);
      throw error;
    }
  };
}
