import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { FinalAnswer } from "./final-answer";
import { addUsage, mapPromptUsage, mapSessionUpdate, mapStopReason, mergeUsage } from "./map-session-update";
import type { Usage } from "../types";

interface Fixture {
  messages: Array<{ params: { update: unknown } }>;
  expected: unknown[];
  promptResponse?: unknown;
  expectedPromptUsage?: Usage;
}

const fixtureDir = path.join(import.meta.dirname, "fixtures");

describe("mapSessionUpdate on recorded turns", () => {
  for (const name of fs.readdirSync(fixtureDir).filter((f) => f.endsWith(".json"))) {
    test(name, () => {
      const fixture = JSON.parse(fs.readFileSync(path.join(fixtureDir, name), "utf8")) as Fixture;
      const events = fixture.messages.flatMap((m) => mapSessionUpdate(m.params.update));
      expect(events).toEqual(fixture.expected);
    });
  }
});

/** A recorded turn folded the way the backend folds it: usage tally and final answer. */
function turnOf(name: string): { usage: Usage; answer: string } {
  const fixture = JSON.parse(fs.readFileSync(path.join(fixtureDir, name), "utf8")) as Fixture;
  let usage: Usage = {};
  const answer = new FinalAnswer();
  for (const event of fixture.messages.flatMap((m) => mapSessionUpdate(m.params.update))) {
    if (event.type === "usage-add") usage = addUsage(usage, event.usage);
    if (event.type === "usage-report") usage = mergeUsage(usage, event.usage);
    if (event.type === "text-chunk") answer.text(event.text);
    if (event.type === "tool-call") answer.toolCall();
  }
  const reported = mapPromptUsage(fixture.promptResponse);
  expect(reported).toEqual(fixture.expectedPromptUsage ?? reported);
  if (Object.keys(reported).length > 0) usage = mergeUsage(usage, reported);
  return { usage, answer: answer.toString() };
}

describe("real agents' recorded turns: usage and the final answer", () => {
  test("qwen-code: each model call's _meta.usage is added up", () => {
    expect(turnOf("qwen-recorded-turn.json")).toEqual({ usage: { inputTokens: 200, outputTokens: 40, totalTokens: 240 }, answer: "Done: wrote hello.txt" });
  });

  test("Gemini CLI: the turn's _meta.quota.token_count", () => {
    expect(turnOf("gemini-recorded-turn.json")).toEqual({ usage: { inputTokens: 200, outputTokens: 40, totalTokens: 240 }, answer: "Done: wrote hello.txt" });
  });

  test("codex-acp: usage_update is context in use, not tokens; its pre-work notice is not the answer", () => {
    expect(turnOf("codex-recorded-turn.json")).toEqual({ usage: { contextTokens: 120 }, answer: "Done: wrote hello.txt" });
  });

  test("claude-agent-acp shape: usage_update's used is context, its cost is kept; the prompt's usage gives the tokens", () => {
    const usage = mergeUsage(mergeUsage({}, { contextTokens: 18234, costUsd: 0.0421 }), mapPromptUsage({ stopReason: "end_turn", usage: { inputTokens: 1200, outputTokens: 300 } }));
    expect(usage).toEqual({ contextTokens: 18234, costUsd: 0.0421, inputTokens: 1200, outputTokens: 300, totalTokens: 1500 });
  });
});

describe("mapSessionUpdate edge cases", () => {
  test("ignores malformed and unknown payloads", () => {
    expect(mapSessionUpdate(null)).toEqual([]);
    expect(mapSessionUpdate("agent_message_chunk")).toEqual([]);
    expect(mapSessionUpdate({ sessionUpdate: "tool_call" })).toEqual([]);
    expect(mapSessionUpdate({ sessionUpdate: "agent_message_chunk", content: { type: "text", text: "" } })).toEqual([]);
    expect(mapSessionUpdate({ sessionUpdate: "plan", entries: "nope" })).toEqual([]);
  });

  test("a tool_call_update with an explicit empty location list clears locations", () => {
    expect(mapSessionUpdate({ sessionUpdate: "tool_call_update", toolCallId: "t", locations: [] })).toEqual([
      { type: "tool-call-update", toolCallId: "t", locations: [] },
    ]);
  });
});

describe("stop reasons and usage", () => {
  test("known stop reasons pass, unknown ones become end_turn", () => {
    expect(mapStopReason("refusal")).toBe("refusal");
    expect(mapStopReason("cancelled")).toBe("cancelled");
    expect(mapStopReason("exploded")).toBe("end_turn");
  });

  test("prompt response usage and merging", () => {
    expect(mapPromptUsage({ stopReason: "end_turn" })).toEqual({});
    expect(mapPromptUsage({ stopReason: "end_turn", usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 } })).toEqual({
      inputTokens: 3,
      outputTokens: 4,
      totalTokens: 7,
    });
    expect(mergeUsage({ totalTokens: 5, costUsd: 0.1 }, { totalTokens: 9 })).toEqual({ totalTokens: 9, costUsd: 0.1 });
  });
});
