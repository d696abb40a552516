import { describe, expect, it } from "vitest";
import { nodeOptionIssues } from "./node-options";

describe("nodeOptionIssues", () => {
  it("allows each backend's tuning options", () => {
    expect(nodeOptionIssues("demo", { failTimes: 2, delayMs: 5, hang: false })).toEqual([]);
    expect(nodeOptionIssues("acp", { mode: "plan" })).toEqual([]);
    expect(nodeOptionIssues("openai", { temperature: 0.3, maxTokens: 100, systemPrompt: "be brief" })).toEqual([]);
    expect(nodeOptionIssues("command", {})).toEqual([]);
  });

  it("refuses what only a profile may set, naming the key and what is allowed", () => {
    expect(nodeOptionIssues("command", { command: ["sh"] })).toEqual([
      { path: "command", message: expect.stringMatching(/backend "command" may not set "command".*allowed: none/) },
    ]);
    expect(nodeOptionIssues("acp", { env: {}, permissionPolicy: "allow" }).map((i) => i.path)).toEqual(["env", "permissionPolicy"]);
    expect(nodeOptionIssues("openai", { baseURL: "http://x", apiKey: "$K" }).map((i) => i.path)).toEqual(["baseURL", "apiKey"]);
    expect(nodeOptionIssues("demo", { mode: "yolo" })[0].message).toMatch(/allowed: delayMs, chunks, text, failTimes, hang/);
  });

  it("checks values against the backend's schema", () => {
    expect(nodeOptionIssues("openai", { temperature: 3 })).toEqual([{ path: "temperature", message: expect.any(String) }]);
    expect(nodeOptionIssues("demo", { failTimes: "x" })).toEqual([{ path: "failTimes", message: expect.any(String) }]);
  });

  it("without a known backend, refuses what no backend allows", () => {
    expect(nodeOptionIssues(undefined, { mode: "plan", failTimes: 1, temperature: 1 })).toEqual([]);
    expect(nodeOptionIssues(undefined, { command: [], env: {}, baseURL: "", apiKey: "" }).map((i) => i.path)).toEqual(["command", "env", "baseURL", "apiKey"]);
  });
});
