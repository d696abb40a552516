/**
 * The draft loop through a real profile: an `openai` profile pointing at a scripted
 * OpenAI-compatible model on 127.0.0.1, whose first draft has a cycle and an unknown step
 * reference and whose second is valid. Baton feeds the first draft's problems back by itself;
 * nothing is saved or run.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModelServer, type ModelServer } from "../agents/testing/model-server";
import type { Db } from "../db/client";
import { listFlows } from "../flows/repository";
import { insertMissingProfiles } from "../profiles/repository";
import { listRuns } from "../runs/service";
import { seedOrThrow } from "../seed";
import { openTestPglite } from "../testing/postgres";
import { draftBodySchema, draftWithAgentOrThrow } from "./service";
import { broken, repaired } from "./testing/drafts";

const answer = (doc: unknown, summary: string) => `\`\`\`json\n${JSON.stringify(doc)}\n\`\`\`\nSummary: ${summary}`;

let db: Db;
let model: ModelServer;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-draft-"));

beforeAll(async () => {
  db = await openTestPglite();
  await seedOrThrow(db);
  model = await startModelServer([{ text: answer(broken, "first try") }, { text: answer(repaired, "Plans, then builds the plan.") }], { turns: "request" });
  await insertMissingProfiles(db.orm, [{ id: "drafter", backend: "openai", label: "scripted", config: { baseURL: `${model.origin}/v1`, model: "scripted" } }]);
}, 300_000);

afterAll(async () => {
  await model?.close();
  await db?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("drafting a flow with an agent", () => {
  it("feeds the first draft's problems back and returns the valid second draft, saving and running nothing", async () => {
    const flowsBefore = (await listFlows(db.orm)).length;
    const body = draftBodySchema.parse({ profile: "drafter", task: "Plan a change and build it" });
    const result = await draftWithAgentOrThrow(db, body, { dataDir, signal: new AbortController().signal });
    expect(result).toMatchObject({ valid: true, issues: [], summary: "Plans, then builds the plan.", profile: "drafter" });
    expect(result.document).toMatchObject({ name: "Plan and build", edges: [{ from: "plan", to: "build" }] });
    expect(result.attempts.map((attempt) => attempt.problems)).toEqual([
      ["edges[1]: cycle: plan → build → plan (the edge build → plan closes it)", 'nodes[1].config.prompt: {{steps.research.output}} refers to unknown step "research"'],
      [],
    ]);
    const chats = model.requests.filter((request) => request.format === "chat");
    expect(chats).toHaveLength(2);
    const first = JSON.stringify(chats[0].body.messages);
    expect(first).toContain("Task: Plan a change and build it");
    expect(first).toContain("### agent — Agent"); // the format description
    const second = JSON.stringify(chats[1].body.messages);
    expect(second).toContain("edges[1]: cycle: plan → build → plan (the edge build → plan closes it)");
    expect(second).toContain('refers to unknown step \\"research\\"');
    expect((await listFlows(db.orm)).length).toBe(flowsBefore);
    expect((await listRuns(db.orm, {})).runs).toHaveLength(0);
  });

  it("lets the agent call validate_flow during its turn: the problems come back as the tool's result and its answer is valid at once", async () => {
    const toolModel = await startModelServer(
      [{ toolCalls: [{ name: "validate_flow", args: { document: broken } }] }, { text: answer(repaired, "Plans, then builds the plan.") }],
      { turns: "request" },
    );
    try {
      await insertMissingProfiles(db.orm, [{ id: "tool-drafter", backend: "openai", label: "scripted", config: { baseURL: `${toolModel.origin}/v1`, model: "scripted" } }]);
      const body = draftBodySchema.parse({ profile: "tool-drafter", task: "Plan a change and build it" });
      const result = await draftWithAgentOrThrow(db, body, { dataDir, signal: new AbortController().signal });
      expect(result).toMatchObject({ valid: true, summary: "Plans, then builds the plan.", attempts: [{ problems: [] }] });

      const chats = toolModel.requests.filter((request) => request.format === "chat");
      expect(chats).toHaveLength(2);
      // Only the read-only pair is offered: nothing that saves, updates or runs a flow.
      const offered = (chats[0].body.tools as Array<{ function: { name: string } }>).map((tool) => tool.function.name).sort();
      expect(offered).toEqual(["describe_flow_format", "validate_flow"]);
      expect(JSON.stringify(chats[0].body.messages)).toContain("Validate your draft with validate_flow");
      const messages = chats[1].body.messages as Array<{ role: string; content: string | null; tool_calls?: Array<{ id: string; function: { name: string } }>; tool_call_id?: string }>;
      const call = messages.find((message) => message.role === "assistant")?.tool_calls?.[0];
      expect(call?.function.name).toBe("validate_flow");
      const toolResult = messages.find((message) => message.role === "tool");
      expect(toolResult?.tool_call_id).toBe(call?.id);
      expect(toolResult?.content).toContain("invalid: 2 problems");
      expect(toolResult?.content).toContain("- edges[1]: cycle: plan → build → plan (the edge build → plan closes it)");
      expect(toolResult?.content).toContain('- nodes[1].config.prompt: {{steps.research.output}} refers to unknown step "research"');
      expect((await listFlows(db.orm)).map((flow) => flow.name)).not.toContain("Plan and build");
    } finally {
      await toolModel.close();
    }
  });

  it("refuses a bad request naming the field", () => {
    expect(draftBodySchema.safeParse({ profile: "drafter", task: "  " }).error?.issues[0]).toMatchObject({ path: ["task"], message: "describe the task" });
  });
});
