import { describe, expect, test } from "vitest";
import { chooseOption, decideAllow, isOwnMcpTool } from "./permission";

const options = [
  { optionId: "proceed_always", kind: "allow_always" },
  { optionId: "proceed_once", kind: "allow_once" },
  { optionId: "cancel", kind: "reject_once" },
];

describe("decideAllow", () => {
  test("worktree policy needs locations, all inside", () => {
    expect(decideAllow("worktree", [true, true])).toBe(true);
    expect(decideAllow("worktree", [true, false])).toBe(false);
    expect(decideAllow("worktree", [])).toBe(false);
  });
  test("allow and deny policies ignore locations", () => {
    expect(decideAllow("allow", [])).toBe(true);
    expect(decideAllow("allow", [false])).toBe(true);
    expect(decideAllow("deny", [true])).toBe(false);
  });
});

describe("chooseOption", () => {
  test("chooses by kind, preferring once over always", () => {
    expect(chooseOption(true, options)).toEqual({ outcome: { outcome: "selected", optionId: "proceed_once" } });
    expect(chooseOption(false, options)).toEqual({ outcome: { outcome: "selected", optionId: "cancel" } });
  });
  test("falls back to the always variant of the same family", () => {
    expect(chooseOption(true, [{ optionId: "x", kind: "allow_always" }, { optionId: "n", kind: "reject_always" }])).toEqual({
      outcome: { outcome: "selected", optionId: "x" },
    });
    expect(chooseOption(false, [{ optionId: "x", kind: "allow_always" }, { optionId: "n", kind: "reject_always" }])).toEqual({
      outcome: { outcome: "selected", optionId: "n" },
    });
  });
  test("a denial with no reject option is cancelled, never an allow", () => {
    expect(chooseOption(false, [{ optionId: "ok", kind: "allow_once" }])).toEqual({ outcome: { outcome: "cancelled" } });
    expect(chooseOption(true, [{ optionId: "no", kind: "reject_once" }])).toEqual({ outcome: { outcome: "cancelled" } });
  });
});

describe("isOwnMcpTool", () => {
  const own = { server: "baton", tools: ["describe_flow_format", "validate_flow"] };
  test("knows the task's own MCP tools as Gemini CLI, Claude Code and qwen-code name them", () => {
    expect(isOwnMcpTool({ toolCallId: "mcp_baton_validate_flow__mcp_baton_validate_flow_1796195633313_0", title: "validate_flow (baton MCP Server)" }, own)).toBe(true);
    expect(isOwnMcpTool({ toolCallId: "toolu_01", title: "mcp__baton__describe_flow_format" }, own)).toBe(true);
    expect(isOwnMcpTool({ toolCallId: "mcp__baton__validate_flow", title: null }, own)).toBe(true);
  });
  test("never matches by containment: a shell command or another server's tool stays under the policy", () => {
    expect(isOwnMcpTool({ toolCallId: "run_shell_command_1", title: 'echo "validate_flow (baton MCP Server)"' }, own)).toBe(false);
    expect(isOwnMcpTool({ toolCallId: "mcp_other_validate_flow_1", title: "validate_flow (other MCP Server)" }, own)).toBe(false);
    expect(isOwnMcpTool({ toolCallId: "mcp_baton_create_flow_1", title: "create_flow (baton MCP Server)" }, own)).toBe(false);
    expect(isOwnMcpTool({ toolCallId: "mcp_baton_validate_flowX_1", title: "x" }, own)).toBe(false);
  });
});
