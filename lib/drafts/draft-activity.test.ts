import { describe, expect, it } from "vitest";
import type { DraftProgress } from "../contract/draft";
import { draftRounds, toolLineText } from "../editor/agent-draft-progress";
import { draftActivity, shortText } from "./draft-activity";

const own = { server: "baton", tools: ["describe_flow_format", "validate_flow"] };
const issues = [
  { path: "edges[1]", message: "cycle: a → b → a" },
  { path: "nodes[0].config.prompt", message: "unknown step" },
];

function record(attempt = 1) {
  const events: DraftProgress[] = [];
  return { events, activity: draftActivity(attempt, (event) => events.push(event), own) };
}

describe("draftActivity", () => {
  it("names Baton's tools however the agent prefixes them and puts validate_flow's result on the agent's call", () => {
    const { events, activity } = record(2);
    activity.onEvent({ type: "text-chunk", text: "Let me check " });
    activity.onEvent({ type: "text-chunk", text: "the format first." });
    activity.onEvent({ type: "tool-call", toolCallId: "t1", title: "mcp__baton__describe_flow_format", kind: "other", status: "pending" });
    activity.onToolResult({ tool: "describe_flow_format" });
    activity.onEvent({ type: "tool-call-update", toolCallId: "t1", status: "in_progress" });
    activity.onEvent({ type: "tool-call-update", toolCallId: "t1", status: "completed" });
    activity.onEvent({ type: "tool-call", toolCallId: "mcp_baton_validate_flow_17_0", title: "validate_flow (baton MCP Server)", kind: "other", status: "in_progress" });
    activity.onToolResult({ tool: "validate_flow", issues });
    activity.onEvent({ type: "tool-call-update", toolCallId: "mcp_baton_validate_flow_17_0", status: "completed" });
    activity.onEvent({ type: "thought-chunk", text: "hmm" });
    activity.onEvent({ type: "text-chunk", text: "Here:\n```json\n{\"nodes\": []}\n```\nSummary: builds it." });
    activity.end();
    const problems = ["edges[1]: cycle: a → b → a", "nodes[0].config.prompt: unknown step"];
    expect(events).toEqual([
      { type: "agent-text", attempt: 2, text: "Let me check the format first." },
      { type: "tool-call", attempt: 2, toolCallId: "t1", tool: "describe_flow_format", status: "running" },
      { type: "tool-call", attempt: 2, toolCallId: "t1", tool: "describe_flow_format", status: "completed" },
      { type: "tool-call", attempt: 2, toolCallId: "mcp_baton_validate_flow_17_0", tool: "validate_flow", status: "running" },
      { type: "tool-call", attempt: 2, toolCallId: "mcp_baton_validate_flow_17_0", tool: "validate_flow", status: "running", problems },
      { type: "tool-call", attempt: 2, toolCallId: "mcp_baton_validate_flow_17_0", tool: "validate_flow", status: "completed", problems },
      { type: "agent-text", attempt: 2, text: "Here: [JSON] Summary: builds it." },
    ]);
  });

  it("gives a result to the open call the agent did not name, or a line of its own; other tools keep the agent's title", () => {
    const { events, activity } = record();
    activity.onEvent({ type: "tool-call", toolCallId: "c1", title: '{"document":{"name":"x"}}', kind: "other", status: "in_progress" });
    activity.onToolResult({ tool: "validate_flow", issues: [] });
    activity.onEvent({ type: "tool-call-update", toolCallId: "c1", status: "completed" });
    activity.onToolResult({ tool: "validate_flow", issues: issues.slice(0, 1) });
    activity.onEvent({ type: "tool-call", toolCallId: "c2", title: "ReadFile README.md", kind: "read", status: "in_progress" });
    activity.onEvent({ type: "tool-call-update", toolCallId: "c2", status: "failed" });
    expect(events.map((event) => (event.type === "tool-call" ? [event.toolCallId, event.tool, event.status, event.problems?.length ?? null] : event.type))).toEqual([
      ["c1", '{"document":{"name":"x"}}', "running", null],
      ["c1", "validate_flow", "running", 0],
      ["c1", "validate_flow", "completed", 0],
      ["baton-validate_flow-1", "validate_flow", "completed", 1],
      ["c2", "ReadFile README.md", "running", null],
      ["c2", "ReadFile README.md", "failed", null],
    ]);
  });

  it("shortens what the agent says: code becomes a marker, whitespace one space, at most 280 characters", () => {
    expect(shortText("a\n\n```ts\nconst x = 1\n```\n b")).toBe("a [code] b");
    expect(shortText("```json\n{\"half\": ")).toBe("[JSON]");
    expect(shortText("   ")).toBe("");
    const long = shortText("word ".repeat(100));
    expect(long).toHaveLength(280);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("draftRounds (the dialog's view)", () => {
  it("folds the events into rounds: one line per tool call updated in place, words, and the check", () => {
    const rounds = draftRounds([
      { type: "asking", attempt: 1, maxAttempts: 2 },
      { type: "tool-call", attempt: 1, toolCallId: "c1", tool: "validate_flow", status: "running" },
      { type: "tool-call", attempt: 1, toolCallId: "c1", tool: "validate_flow", status: "running", problems: ["p: bad"] },
      { type: "agent-text", attempt: 1, text: "[JSON] Summary: x" },
      { type: "tool-call", attempt: 1, toolCallId: "c1", tool: "validate_flow", status: "completed" },
      { type: "checked", attempt: 1, maxAttempts: 2, problems: ["p: bad"] },
      { type: "asking", attempt: 2, maxAttempts: 2 },
      { type: "tool-call", attempt: 2, toolCallId: "c9", tool: "describe_flow_format", status: "running" },
    ]);
    expect(rounds).toEqual([
      {
        attempt: 1,
        maxAttempts: 2,
        state: "invalid",
        problems: ["p: bad"],
        activity: [
          { kind: "tool", id: "c1", tool: "validate_flow", status: "completed", problems: ["p: bad"] },
          { kind: "text", text: "[JSON] Summary: x" },
        ],
      },
      { attempt: 2, maxAttempts: 2, state: "asking", problems: [], activity: [{ kind: "tool", id: "c9", tool: "describe_flow_format", status: "running" }] },
    ]);
    const [first, second] = rounds;
    expect(first.activity[0].kind === "tool" && toolLineText(first.activity[0])).toBe("validate_flow: 1 problem");
    expect(second.activity[0].kind === "tool" && toolLineText(second.activity[0])).toBe("describe_flow_format…");
    expect(toolLineText({ kind: "tool", id: "x", tool: "validate_flow", status: "completed", problems: [] })).toBe("validate_flow: valid");
    expect(toolLineText({ kind: "tool", id: "x", tool: "ReadFile", status: "failed" })).toBe("ReadFile: failed");
  });
});
