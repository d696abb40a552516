/** Test helpers: build an AgentTask that records its events. */
import type { AgentEvent, AgentTask } from "../types";

export interface RecordedTask {
  task: AgentTask;
  events: AgentEvent[];
  controller: AbortController;
  text(): string;
  logs(stream?: "stderr" | "stdout" | "info"): string[];
}

export function recordedTask(overrides: Partial<Omit<AgentTask, "onEvent" | "signal">> & { options: Record<string, unknown> }): RecordedTask {
  const events: AgentEvent[] = [];
  const controller = new AbortController();
  const task: AgentTask = {
    prompt: "do the thing",
    cwd: null,
    env: {},
    attempt: 1,
    ...overrides,
    signal: controller.signal,
    onEvent: (event) => {
      events.push(event);
    },
  };
  return {
    task,
    events,
    controller,
    text: () => events.flatMap((e) => (e.type === "text-chunk" ? [e.text] : [])).join(""),
    logs: (stream) => events.flatMap((e) => (e.type === "log-line" && (!stream || e.stream === stream) ? [e.text] : [])),
  };
}

/** Resolves when `predicate` holds for some recorded event (checked on every event). */
export function waitForEvent(recorded: RecordedTask, predicate: (event: AgentEvent) => boolean): Promise<AgentEvent> {
  return new Promise((resolve) => {
    const found = recorded.events.find(predicate);
    if (found) return resolve(found);
    const original = recorded.task.onEvent;
    recorded.task.onEvent = (event) => {
      original(event);
      if (predicate(event)) resolve(event);
    };
  });
}
