import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { mapPromptUsage, mapSessionUpdate, mapStopReason, mergeUsage } from "./map-session-update";

interface Fixture {
  messages: Array<{ params: { update: unknown } }>;
  expected: unknown[];
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
