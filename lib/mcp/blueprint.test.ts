/**
 * Blueprint-first over MCP, as a conductor model would do it with the SDK client over HTTP:
 * read the format, have an invalid draft refused with every problem and its path, repair it,
 * create it, run it, wait for it — then update it, with a stale baseVersion refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFlowOrThrow } from "../flows/service";
import { openHttpHarness, textOf, type McpHarness } from "./testing/http-harness";

let mcp: McpHarness;

beforeAll(async () => {
  mcp = await openHttpHarness();
}, 240_000);

afterAll(async () => {
  await mcp?.close();
});

/** A first draft with the mistakes models make: a cycle, an unknown step reference, an unknown profile, a bad field. */
const brokenDraft = {
  name: "Plan, build, review",
  inputs: [{ name: "task", required: true }],
  nodes: [
    { id: "plan", kind: "agent", config: { profile: "demo", prompt: "Plan: {{inputs.task}}", workspace: "none" } },
    { id: "build", kind: "agent", config: { profile: "gpt-9", prompt: "Build: {{steps.plan.output}} and {{steps.design.output}}", workspace: "none" } },
    { id: "review", kind: "agent", config: { profile: "demo", prompt: "Review {{steps.build.output}}", workspace: "none", timeoutSec: -5 } },
  ],
  edges: [
    { from: "plan", to: "build" },
    { from: "build", to: "review" },
    { from: "review", to: "plan" },
  ],
};

const repairedDraft = {
  ...brokenDraft,
  nodes: [
    { id: "plan", kind: "agent", config: { profile: "demo", prompt: "Plan: {{inputs.task}}", workspace: "none" } },
    { id: "build", kind: "agent", config: { profile: "demo", prompt: "Build: {{steps.plan.output}}", workspace: "none" } },
    { id: "review", kind: "fold", config: { mode: "concat" } },
  ],
  edges: [
    { from: "plan", to: "build" },
    { from: "build", to: "review" },
  ],
};

describe("blueprint tools over Streamable HTTP", () => {
  it("describe → invalid draft gets every problem with its path → repaired draft created → run → succeeds", async () => {
    const described = await mcp.call("describe_flow_format");
    expect(described.isError ?? false).toBe(false);
    const format = described.structuredContent as { nodeKinds: { kind: string }[]; profiles: { id: string; available: boolean | null }[] };
    expect(format.nodeKinds.map((kind) => kind.kind)).toEqual(["agent", "arena", "fold", "check", "approval", "loop"]);
    expect(format.profiles.find((profile) => profile.id === "demo")).toMatchObject({ available: true });
    expect(textOf(described)).toContain("### agent — Agent");

    const validated = await mcp.call("validate_flow", { document: brokenDraft });
    const { valid, issues } = validated.structuredContent as { valid: boolean; issues: { path: string; message: string }[] };
    expect(valid).toBe(false);
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`).sort()).toEqual([
      'edges[2]: cycle: plan → build → review → plan (the edge review → plan closes it)',
      'nodes[1].config.profile: unknown profile "gpt-9"',
      'nodes[1].config.prompt: {{steps.design.output}} refers to unknown step "design"',
      "nodes[2].config.timeoutSec: Too small: expected number to be >=1",
    ]);

    // create_flow refuses the same document with the same problems, all of them, as text.
    const refused = await mcp.call("create_flow", { document: JSON.stringify(brokenDraft) });
    expect(refused.isError).toBe(true);
    const text = textOf(refused);
    expect(text).toContain("flow not created: 4 problems; fix them all and try again:");
    for (const issue of issues) expect(text).toContain(`- ${issue.path}: ${issue.message}`);

    expect((await mcp.call("validate_flow", { document: repairedDraft })).structuredContent).toEqual({ valid: true, issues: [] });
    const created = await mcp.call("create_flow", { document: repairedDraft, message: "drafted by a conductor" });
    expect(created.isError ?? false, textOf(created)).toBe(false);
    const { flowId, version } = created.structuredContent as { flowId: string; version: number };
    expect(version).toBe(1);
    expect(textOf(created)).toContain(`run_flow {flowId: "${flowId}", inputs: {task: …}}`);

    const started = await mcp.call("run_flow", { flowId, inputs: { task: "add a greeting" } });
    const { runId } = started.structuredContent as { runId: string };
    const ended = await mcp.call("wait_for_run", { runId, timeoutSec: 60 });
    expect(ended.structuredContent).toMatchObject({ status: "succeeded", timedOut: false });
    expect((ended.structuredContent as { steps: { key: string; state: string }[] }).steps.map((step) => [step.key, step.state])).toEqual([
      ["plan", "succeeded"],
      ["build", "succeeded"],
      ["review", "succeeded"],
    ]);
  });

  it("update_flow saves a new version and refuses a stale baseVersion or an invalid document", async () => {
    const created = await mcp.call("create_flow", { document: repairedDraft });
    const { flowId } = created.structuredContent as { flowId: string };
    const current = (await mcp.call("get_flow", { flowId })).structuredContent as { version: number; document: { name: string } };
    expect(current).toMatchObject({ version: 1, document: { name: "Plan, build, review" } });

    const updated = await mcp.call("update_flow", { flowId, baseVersion: 1, document: { ...repairedDraft, name: "Renamed" } });
    expect(updated.structuredContent).toMatchObject({ flowId, version: 2, name: "Renamed" });

    const stale = await mcp.call("update_flow", { flowId, baseVersion: 1, document: { ...repairedDraft, name: "Lost edit" } });
    expect(stale.isError).toBe(true);
    expect(textOf(stale)).toContain(`was saved as version 2 since you loaded version 1`);

    const invalid = await mcp.call("update_flow", { flowId, baseVersion: "2", document: brokenDraft });
    expect(invalid.isError).toBe(true);
    expect(textOf(invalid)).toContain("flow not updated: 4 problems");
    expect((await getFlowOrThrow(mcp.db.orm, flowId)).latestVersion).toBe(2);

    const notJson = await mcp.call("create_flow", { document: "{nodes: [" });
    expect(notJson.isError).toBe(true);
    expect(textOf(notJson)).toMatch(/^document: not valid JSON/);
  });
});
