/**
 * The openai backend's tool loop (a task with `tools`) against the scripted model server on
 * 127.0.0.1: calls run in order and their results go back as `tool` messages; an unknown
 * tool is the model's to fix; a model that never stops calling tools is asked once more
 * with tool_choice "none" after MAX_TOOL_ROUNDS. Streamed pieces and bad arguments: pure.
 */
import { afterEach, describe, expect, test } from "vitest";
import { startModelServer, type ModelServer } from "../testing/model-server";
import { recordedTask } from "../testing/task";
import type { TaskTools } from "../types";
import { MAX_TOOL_ROUNDS, openaiBackend } from "./backend";
import { parseToolArguments, ToolCallAssembler } from "./tool-calls";

let model: ModelServer | null = null;
afterEach(async () => {
  await model?.close();
  model = null;
});

const calls: Array<{ name: string; args: unknown }> = [];
const echo: TaskTools = {
  specs: [{ name: "echo", description: "says its arguments back", parameters: { type: "object", properties: { x: { type: "number" } } } }],
  call: async (name, args) => (calls.push({ name, args }), { text: `echo ${JSON.stringify(args)}`, isError: false }),
};

type Message = { role: string; content: string | null; tool_call_id?: string; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> };

describe("openai backend with task tools", () => {
  test("runs each call, sends its result back, and answers with the last round's text; usage is summed over rounds", async () => {
    calls.length = 0;
    model = await startModelServer([
      { text: "Let me check.", toolCalls: [{ name: "nope", args: {} }] },
      { toolCalls: [{ name: "echo", args: { x: 1 } }] },
      { text: "done" },
    ]);
    const r = recordedTask({ prompt: "use the tool", options: { baseURL: `${model.origin}/v1`, model: "scripted" }, tools: echo });
    const result = await openaiBackend.run(r.task);
    expect(result).toEqual({ output: "done", stopReason: "end_turn", usage: { inputTokens: 300, outputTokens: 60, totalTokens: 360 } });
    expect(calls).toEqual([{ name: "echo", args: { x: 1 } }]);

    const bodies = model.requests.filter((request) => request.format === "chat").map((request) => request.body);
    expect(bodies).toHaveLength(3);
    expect(bodies[0].tools).toEqual([{ type: "function", function: echo.specs[0] }]);
    const last = bodies[2].messages as Message[];
    expect(last.map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant", "tool"]);
    expect(last[1]).toMatchObject({ content: "Let me check.", tool_calls: [{ function: { name: "nope", arguments: "{}" } }] });
    expect(last[2]).toEqual({ role: "tool", tool_call_id: last[1].tool_calls![0].id, content: 'no tool named "nope"; the tools are: echo' });
    expect(last[4]).toEqual({ role: "tool", tool_call_id: last[3].tool_calls![0].id, content: 'echo {"x":1}' });

    const toolEvents = r.events.filter((event) => event.type === "tool-call" || event.type === "tool-call-update");
    expect(toolEvents.map((event) => [event.type, event.status])).toEqual([
      ["tool-call", "in_progress"],
      ["tool-call-update", "failed"],
      ["tool-call", "in_progress"],
      ["tool-call-update", "completed"],
    ]);
  });

  test(`after ${MAX_TOOL_ROUNDS} rounds of calls the model is asked with tool_choice "none" and its answer ends the task`, async () => {
    model = await startModelServer(Array.from({ length: MAX_TOOL_ROUNDS + 1 }, (_, i) => ({ text: `round ${i}`, toolCalls: [{ name: "echo", args: { x: i } }] })));
    const r = recordedTask({ options: { baseURL: `${model.origin}/v1`, model: "scripted" }, tools: echo });
    expect((await openaiBackend.run(r.task)).output).toBe(`round ${MAX_TOOL_ROUNDS}`);
    const bodies = model.requests.filter((request) => request.format === "chat").map((request) => request.body);
    expect(bodies).toHaveLength(MAX_TOOL_ROUNDS + 1);
    expect(bodies.map((body) => body.tool_choice ?? null)).toEqual([...Array(MAX_TOOL_ROUNDS).fill(null), "none"]);
  });

  test("a step's task (no tools) offers none", async () => {
    model = await startModelServer([{ text: "plain" }]);
    await openaiBackend.run(recordedTask({ options: { baseURL: `${model.origin}/v1`, model: "scripted" } }).task);
    expect(model.requests[0].body.tools).toBeUndefined();
  });

  test("streamed pieces of calls assemble by index; arguments that aren't a JSON object are said back", () => {
    const assembler = new ToolCallAssembler();
    assembler.push({ index: 1, name: "validate_flow", arguments: '{"doc' });
    assembler.push({ index: 0, id: "a", name: "describe_flow_format" });
    assembler.push({ index: 1, arguments: 'ument":{}}' });
    expect(assembler.calls()).toEqual([
      { id: "a", name: "describe_flow_format", arguments: "" },
      { id: "call_1", name: "validate_flow", arguments: '{"document":{}}' },
    ]);
    expect(parseToolArguments({ id: "x", name: "t", arguments: "" })).toEqual({ ok: true, args: {} });
    expect(parseToolArguments({ id: "x", name: "t", arguments: "[1]" })).toEqual({ ok: false, problem: "arguments of t: must be a JSON object" });
    expect(parseToolArguments({ id: "x", name: "t", arguments: "{oops" })).toMatchObject({ ok: false, problem: expect.stringMatching(/^arguments of t: not valid JSON/) });
  });
});
