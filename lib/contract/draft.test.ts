/**
 * The draft progress stream's contract, end to end on one machine: the draft loop through a
 * real `openai` profile (a scripted OpenAI-compatible model on 127.0.0.1) streams through the
 * route's NDJSON response, and the browser's reader parses every line against the contract.
 * Round 1: the model calls validate_flow on a broken draft, then answers with it anyway, so
 * Baton sends its problems back; round 2 is valid. Then: lines that break the contract are
 * refused naming the field, and the stream's error and truncated endings.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModelServer, type ModelServer } from "../agents/testing/model-server";
import { ApiError } from "../client/api";
import { readDraftStream } from "../client/drafts";
import type { Db } from "../db/client";
import { draftBodySchema, draftWithAgentOrThrow } from "../drafts/service";
import { broken, brokenProblems, repaired } from "../drafts/testing/drafts";
import { HttpError } from "../http/errors";
import { ndjsonResponse } from "../http/ndjson";
import { insertMissingProfiles } from "../profiles/repository";
import { seedOrThrow } from "../seed";
import { openTestPglite } from "../testing/postgres";
import { draftStreamLineSchema, parseDraftStreamLineOrThrow, type DraftProgress } from "./draft";

const answer = (doc: unknown, summary: string) => `\`\`\`json\n${JSON.stringify(doc)}\n\`\`\`\nSummary: ${summary}`;

let db: Db;
let model: ModelServer;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-draft-stream-"));

beforeAll(async () => {
  db = await openTestPglite();
  await seedOrThrow(db);
  model = await startModelServer(
    [{ toolCalls: [{ name: "validate_flow", args: { document: broken } }] }, { text: answer(broken, "first try") }, { text: answer(repaired, "Plans, then builds the plan.") }],
    { turns: "request" },
  );
  await insertMissingProfiles(db.orm, [{ id: "stream-drafter", backend: "openai", label: "scripted", config: { baseURL: `${model.origin}/v1`, model: "scripted" } }]);
}, 300_000);

afterAll(async () => {
  await model?.close();
  await db?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The stream a body of lines makes, as fetch would hand it to the reader. */
const streamOf = (...lines: string[]) => new Response(lines.map((line) => `${line}\n`).join(""), { headers: { "content-type": "application/x-ndjson" } });

describe("the draft progress stream", () => {
  it("streams each round's activity and Baton's check as contract lines, then the draft", async () => {
    const body = draftBodySchema.parse({ profile: "stream-drafter", task: "Plan a change and build it" });
    const response = ndjsonResponse(new AbortController().signal, (onProgress, signal) => draftWithAgentOrThrow(db, body, { dataDir, signal, onProgress }));
    const [forReader, forLines] = response.body!.tee();

    const seen: DraftProgress[] = [];
    const result = await readDraftStream(new Response(forReader), (progress) => seen.push(progress));
    const raw = (await new Response(forLines).text()).split("\n").filter(Boolean);
    // Every line the server wrote is a contract line, and the reader saw each progress one.
    for (const line of raw) expect(draftStreamLineSchema.safeParse(JSON.parse(line)).success, line).toBe(true);
    expect(raw).toHaveLength(seen.length + 1);

    const call = { type: "tool-call", attempt: 1, toolCallId: "call_0_0", tool: "validate_flow" };
    expect(seen).toEqual([
      { type: "asking", attempt: 1, maxAttempts: 3 },
      { ...call, status: "running" },
      // Baton's own validate_flow result, put on the agent's call; then the call completes.
      { ...call, status: "running", problems: brokenProblems },
      { ...call, status: "completed", problems: brokenProblems },
      { type: "agent-text", attempt: 1, text: "[JSON] Summary: first try" },
      { type: "checked", attempt: 1, maxAttempts: 3, problems: brokenProblems },
      { type: "asking", attempt: 2, maxAttempts: 3 },
      { type: "agent-text", attempt: 2, text: "[JSON] Summary: Plans, then builds the plan." },
      { type: "checked", attempt: 2, maxAttempts: 3, problems: [] },
    ]);
    expect(result).toMatchObject({ valid: true, issues: [], summary: "Plans, then builds the plan.", profile: "stream-drafter", attempts: [{ problems: brokenProblems }, { problems: [] }] });
    expect(result.document).toMatchObject({ name: "Plan and build", edges: [{ from: "plan", to: "build" }] });
  });

  it("refuses a line that breaks the contract, naming the field and why", async () => {
    const bad = JSON.stringify({ type: "progress", progress: { type: "tool-call", attempt: 1, toolCallId: "c1", tool: "validate_flow", status: "done" } });
    expect(() => parseDraftStreamLineOrThrow(bad)).toThrow(/^progress\.status: Invalid option: expected one of "running"\|"completed"\|"failed"$/);
    expect(() => parseDraftStreamLineOrThrow(JSON.stringify({ type: "progress", progress: { type: "asking", attempt: 0, maxAttempts: 3 } }))).toThrow(/^progress\.attempt: /);
    expect(() => parseDraftStreamLineOrThrow("{oops")).toThrow(/^not JSON/);

    const read = readDraftStream(streamOf(JSON.stringify({ type: "progress", progress: { type: "asking", attempt: 1, maxAttempts: 3 } }), bad), () => {});
    await expect(read).rejects.toMatchObject({ status: 502, code: "bad_response", message: expect.stringContaining("unexpected line from /api/flows/draft: progress.status: Invalid option") });
  });

  it("ends with the agent's failure as the refusal it would have been, or says the stream broke off", async () => {
    const failed = ndjsonResponse(new AbortController().signal, async () => {
      throw new HttpError("conflict", "the drafting agent (p) failed: HTTP 401 from http://127.0.0.1/v1/chat/completions");
    });
    const error = await readDraftStream(failed, () => {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: "conflict", message: "the drafting agent (p) failed: HTTP 401 from http://127.0.0.1/v1/chat/completions" });

    const cut = readDraftStream(streamOf(JSON.stringify({ type: "progress", progress: { type: "asking", attempt: 1, maxAttempts: 3 } })), () => {});
    await expect(cut).rejects.toMatchObject({ status: 502, message: expect.stringContaining("ended without a result") });
    const refused = readDraftStream(Response.json({ error: "task: describe the task", code: "validation_failed", issues: [{ path: "task", message: "describe the task" }] }, { status: 400 }), () => {});
    await expect(refused).rejects.toMatchObject({ status: 400, message: "task: describe the task", issues: [{ path: "task" }] });
  });
});
