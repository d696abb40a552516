import { describe, expect, test } from "vitest";
import { publicConfig, validateProfileConfig } from "./config";
import { DEFAULT_PROFILES } from "./defaults";

describe("profile config validation", () => {
  test("every seeded default is valid for its backend", () => {
    for (const profile of DEFAULT_PROFILES) {
      expect(validateProfileConfig(profile.backend as "acp", profile.config), profile.id).toEqual([]);
    }
  });

  test("acp: command must be a non-empty argv array; unknown keys are refused", () => {
    expect(validateProfileConfig("acp", { command: "claude --acp" })[0]?.path).toBe("command");
    expect(validateProfileConfig("acp", { command: [] })).toEqual([{ path: "command", message: "needs at least the program to run" }]);
    expect(validateProfileConfig("acp", { command: ["x"], permisionPolicy: "allow" })[0]?.message).toContain("permisionPolicy");
    expect(validateProfileConfig("acp", { command: ["x"], permissionPolicy: "maybe" })[0]?.path).toBe("permissionPolicy");
  });

  test("openai: apiKey must be a reference; a literal key gets a clear message", () => {
    const base = { baseURL: "http://127.0.0.1:11434/v1", model: "m" };
    expect(validateProfileConfig("openai", { ...base, apiKey: "$OPENAI_API_KEY" })).toEqual([]);
    const [issue] = validateProfileConfig("openai", { ...base, apiKey: "sk-proj-AbCdEf0123456789" });
    expect(issue.path).toBe("apiKey");
    expect(issue.message).toContain("looks like a literal API key");
    expect(issue.message).not.toContain("AbCdEf");
    expect(validateProfileConfig("openai", { ...base, apiKey: "hunter2" })[0]?.message).toContain("reference");
    expect(validateProfileConfig("openai", { baseURL: "localhost:11434", model: "" }).map((i) => i.path).sort()).toEqual(["baseURL", "model"]);
  });

  test("env entries that hold secrets must be references", () => {
    expect(validateProfileConfig("acp", { command: ["x"], env: { ANTHROPIC_API_KEY: "$ANTHROPIC_API_KEY", DEBUG: "1" } })).toEqual([]);
    const issues = validateProfileConfig("command", { command: ["x"], env: { GITHUB_TOKEN: "abc", OTHER: "sk-abcdef" } });
    expect(issues.map((i) => i.path).sort()).toEqual(["env.GITHUB_TOKEN", "env.OTHER"]);
    expect(issues[0].message).toContain("store a reference");
  });

  test("demo: its own options, strictly", () => {
    expect(validateProfileConfig("demo", { delayMs: 50, failTimes: 1 })).toEqual([]);
    expect(validateProfileConfig("demo", { delay: 50 })[0]?.message).toContain("delay");
  });

  test("publicConfig masks any literal secret that predates validation", () => {
    expect(publicConfig({ apiKey: "sk-live", env: { API_TOKEN: "x", A: "$B", LEVEL: "debug" } })).toEqual({
      apiKey: "[redacted]",
      env: { API_TOKEN: "[redacted]", A: "$B", LEVEL: "debug" },
    });
  });
});
