import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AgentError, type AgentEvent, type AgentTask } from "../types";
import { backendFor } from "../registry";
import { demoBackend } from "./backend";
import { demoFileName, demoReply, splitChunks } from "./reply";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function task(overrides: Partial<AgentTask> = {}) {
  const events: AgentEvent[] = [];
  const controller = new AbortController();
  const value: AgentTask = {
    prompt: "Add a greeting to the README",
    cwd: null,
    env: {},
    options: {},
    attempt: 1,
    signal: controller.signal,
    onEvent: (event) => void events.push(event),
    ...overrides,
  };
  return { task: value, events, controller };
}

const text = (events: AgentEvent[]) => events.flatMap((e) => (e.type === "text-chunk" ? [e.text] : [])).join("");

describe("demo backend", () => {
  it("is registered under its id", () => {
    expect(backendFor("demo")).toBe(demoBackend);
    expect(backendFor("nope")).toBeUndefined();
  });

  it("streams a deterministic reply in chunks and reports usage", async () => {
    const a = task({ options: { chunks: 3 } });
    const result = await demoBackend.run(a.task);
    expect(result.stopReason).toBe("end_turn");
    expect(result.output).toBe(demoReply("Add a greeting to the README"));
    expect(a.events.filter((e) => e.type === "text-chunk")).toHaveLength(3);
    expect(text(a.events)).toBe(result.output);
    expect(result.usage).toEqual({
      inputTokens: 7,
      outputTokens: Math.ceil(result.output.length / 4),
      totalTokens: 7 + Math.ceil(result.output.length / 4),
    });
    expect(a.events).toContainEqual({ type: "usage-report", usage: result.usage });
    const again = await demoBackend.run(task({ options: { chunks: 3 } }).task);
    expect(again.output).toBe(result.output);
  });

  it("writes a file derived from the prompt into its cwd and reports the edit", async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "baton-demo-"));
    dirs.push(cwd);
    const a = task({ cwd });
    await demoBackend.run(a.task);
    const name = demoFileName("Add a greeting to the README");
    expect(fs.readFileSync(path.join(cwd, name), "utf8")).toContain("Add a greeting to the README");
    expect(a.events).toContainEqual(expect.objectContaining({ type: "tool-call", kind: "edit", locations: [name] }));
    expect(a.events).toContainEqual(expect.objectContaining({ type: "tool-call-update", status: "completed" }));
  });

  it("fails while attempt <= failTimes with a scripted error, then succeeds", async () => {
    await expect(demoBackend.run(task({ options: { failTimes: 2 }, attempt: 2 }).task)).rejects.toThrow(
      /scripted failure on attempt 2 \(failTimes: 2\)/,
    );
    const error = await demoBackend.run(task({ options: { failTimes: 1 } }).task).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).code).toBe("scripted");
    expect((await demoBackend.run(task({ options: { failTimes: 1 }, attempt: 2 }).task)).stopReason).toBe("end_turn");
  });

  it("hangs until aborted, then stops with stopReason cancelled", async () => {
    const a = task({ options: { hang: true } });
    const running = demoBackend.run(a.task);
    await new Promise((resolve) => setTimeout(resolve, 20));
    a.controller.abort();
    const result = await running;
    expect(result.stopReason).toBe("cancelled");
    expect(result.output.length).toBeGreaterThan(0);
  });

  it("ends a hang past timeoutMs with AgentError timeout", async () => {
    const error = await demoBackend.run(task({ options: { hang: true }, timeoutMs: 30 }).task).catch((e: unknown) => e);
    expect((error as AgentError).code).toBe("timeout");
  });

  it("rejects bad options clearly and answers judge prompts with a contestant id", async () => {
    await expect(demoBackend.run(task({ options: { delayMs: "fast" } }).task)).rejects.toThrow(/demo options: delayMs/);
    expect(demoReply("Pick the winning contestant.\n\n### Contestant build#1 (demo)\nOutput: x")).toBe("Winner: build#1");
    expect(splitChunks("abcdefg", 3)).toEqual(["abc", "def", "g"]);
    expect(await demoBackend.availability({})).toMatchObject({ available: true });
  });
});
