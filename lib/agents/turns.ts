/**
 * Runs a task with follow-up turns (AgentTask.followUp) on any backend.
 *
 * A backend with `continuesTurns` (acp, demo) keeps one session for every turn, so the agent
 * remembers what it tried; `run` handles the follow-ups itself. Any other backend (command,
 * openai: no session to continue) gets one task per turn whose prompt is the original task
 * followed by the follow-up: what the agent needs to go on, though not its earlier answers.
 * Usage is summed over the turns in that case (each task reports only its own).
 */
import { addUsage } from "./acp/map-session-update";
import type { AgentBackend, AgentResult, AgentTask, Usage } from "./types";

export function runTurns(backend: AgentBackend, task: AgentTask): Promise<AgentResult> {
  if (!task.followUp || backend.continuesTurns) return backend.run(task);
  return runTurnByTurn(backend, task, task.followUp);
}

async function runTurnByTurn(backend: AgentBackend, task: AgentTask, followUp: NonNullable<AgentTask["followUp"]>): Promise<AgentResult> {
  const { followUp: _own, ...single } = task;
  let prompt = task.prompt;
  let usage: Usage = {};
  for (;;) {
    const turn = await backend.run({ ...single, prompt });
    usage = addUsage(usage, turn.usage);
    const result = { ...turn, usage };
    if (turn.stopReason === "cancelled" || task.signal.aborted) return result;
    const next = await followUp(result);
    if (next === null) return result;
    prompt = `${task.prompt}\n\n${next}`;
  }
}
