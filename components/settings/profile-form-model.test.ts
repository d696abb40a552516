import { describe, expect, test } from "vitest";
import { configFromFields, emptyFields, fieldForIssue, fieldsFromProfile } from "./profile-form-model";

describe("profile form model", () => {
  test("acp round trip keeps settings the form doesn't edit", () => {
    const profile = {
      id: "claude",
      label: "Claude",
      backend: "acp" as const,
      enabled: true,
      config: { command: ["npx", "-y", "@agentclientprotocol/claude-agent-acp"], availabilityTimeoutMs: 30000, env: { ANTHROPIC_API_KEY: "$ANTHROPIC_API_KEY" } },
    };
    const fields = fieldsFromProfile(profile);
    expect(fields.command).toBe("npx\n-y\n@agentclientprotocol/claude-agent-acp");
    expect(fields.env).toBe("ANTHROPIC_API_KEY=$ANTHROPIC_API_KEY");
    expect(configFromFields({ ...fields, mode: "auto" }, profile.config)).toEqual({
      ok: true,
      config: { ...profile.config, mode: "auto" },
    });
  });

  test("argv lines are taken literally, blank lines dropped", () => {
    const fields = { ...emptyFields("command"), command: "aider\n--message\n{prompt}\n\n", promptVia: "argv" };
    expect(configFromFields(fields)).toEqual({ ok: true, config: { command: ["aider", "--message", "{prompt}"], promptVia: "argv" } });
  });

  test("openai fields; bad temperature and env lines are reported on their field", () => {
    const fields = { ...emptyFields("openai"), model: "qwen2.5-coder", apiKey: "$OPENAI_API_KEY", temperature: "0.2" };
    expect(configFromFields(fields)).toEqual({
      ok: true,
      config: { baseURL: "http://127.0.0.1:11434/v1", model: "qwen2.5-coder", apiKey: "$OPENAI_API_KEY", temperature: 0.2 },
    });
    expect(configFromFields({ ...fields, temperature: "warm" })).toEqual({ ok: false, field: "temperature", message: "must be a number" });
    expect(configFromFields({ ...emptyFields("acp"), command: "x", env: "NOEQUALS" })).toEqual({ ok: false, field: "env", message: "line 1: expected KEY=value" });
  });

  test("demo edits raw JSON", () => {
    expect(configFromFields({ ...emptyFields("demo"), json: '{"failTimes":1}' })).toEqual({ ok: true, config: { failTimes: 1 } });
    expect(configFromFields({ ...emptyFields("demo"), json: "[1]" })).toMatchObject({ ok: false, field: "json" });
  });

  test("server issue paths map to fields", () => {
    expect(fieldForIssue("config.apiKey", "openai")).toBe("apiKey");
    expect(fieldForIssue("config.env.GITHUB_TOKEN", "acp")).toBe("env");
    expect(fieldForIssue("config.command.0", "command")).toBe("command");
    expect(fieldForIssue("config.cancelGraceMs", "acp")).toBe("form");
    expect(fieldForIssue("config", "demo")).toBe("json");
    expect(fieldForIssue("id", "acp")).toBe("id");
  });
});
