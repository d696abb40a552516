/**
 * Function calling over OpenAI-style chat (pure parts): assembling streamed tool-call pieces
 * into whole calls, and the messages that carry a round of calls and their results back.
 */
import type { TaskToolSpec } from "../types";
import type { ToolCallDelta } from "./sse";

export interface ToolCall {
  id: string;
  name: string;
  /** The raw argument text the model sent (JSON, unless the model got it wrong). */
  arguments: string;
}

/** Pieces arrive by `index`; a call's id and name come once, its arguments in fragments. */
export class ToolCallAssembler {
  private readonly byIndex = new Map<number, ToolCall>();

  push(delta: ToolCallDelta): void {
    const call = this.byIndex.get(delta.index) ?? { id: "", name: "", arguments: "" };
    if (delta.id) call.id = delta.id;
    if (delta.name) call.name += delta.name;
    if (delta.arguments) call.arguments += delta.arguments;
    this.byIndex.set(delta.index, call);
  }

  /** In index order; a call the server gave no id gets one, so its result can refer to it. */
  calls(): ToolCall[] {
    return [...this.byIndex.entries()].sort(([a], [b]) => a - b).map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }));
  }
}

export const toolsField = (specs: TaskToolSpec[]) =>
  specs.map((spec) => ({ type: "function", function: { name: spec.name, description: spec.description, parameters: spec.parameters } }));

export function assistantToolMessage(text: string, calls: ToolCall[]): Record<string, unknown> {
  return {
    role: "assistant",
    content: text || null,
    tool_calls: calls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } })),
  };
}

/** Arguments as the tool gets them; text that is not a JSON object is the model's mistake, said back to it. */
export function parseToolArguments(call: ToolCall): { ok: true; args: Record<string, unknown> } | { ok: false; problem: string } {
  if (call.arguments.trim() === "") return { ok: true, args: {} };
  try {
    const args: unknown = JSON.parse(call.arguments);
    if (typeof args === "object" && args !== null && !Array.isArray(args)) return { ok: true, args: args as Record<string, unknown> };
    return { ok: false, problem: `arguments of ${call.name}: must be a JSON object` };
  } catch (error) {
    return { ok: false, problem: `arguments of ${call.name}: not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
}
