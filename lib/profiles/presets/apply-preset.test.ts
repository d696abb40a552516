import { describe, expect, test } from "vitest";
import { validateProfileConfig } from "../config";
import { applyPreset } from "./apply-preset";
import { findPreset, PRESETS } from "./index";

const preset = (id: string) => findPreset(id)!;

describe("agent presets", () => {
  test("one per agent the settings page offers, each a valid profile with its defaults", () => {
    expect(PRESETS.map((p) => p.id)).toEqual(["claude-code", "gemini-cli", "opencode", "qwen-code", "codex", "openai-compatible"]);
    for (const p of PRESETS) {
      const typed = Object.fromEntries(p.fields.filter((f) => f.required && !f.default).map((f) => [f.key, f.kind === "envRef" ? "$KEY" : "x"]));
      const applied = applyPreset(p, typed);
      expect(applied.ok, p.id).toBe(true);
      if (applied.ok) expect(validateProfileConfig(applied.profile.backend, applied.profile.config), p.id).toEqual([]);
    }
  });

  test("qwen-code writes its settings.json and passes the endpoint and key reference", () => {
    const applied = applyPreset(preset("qwen-code"), { model: "qwen3-coder", baseURL: "http://127.0.0.1:8080/v1", apiKey: "$LLAMA_KEY" }, "qwen-local");
    expect(applied).toMatchObject({
      ok: true,
      profile: {
        id: "qwen-local",
        backend: "acp",
        label: "Qwen Code (qwen3-coder)",
        config: {
          command: ["qwen", "--acp"],
          mode: "default",
          env: { OPENAI_API_KEY: "$LLAMA_KEY", OPENAI_BASE_URL: "http://127.0.0.1:8080/v1", OPENAI_MODEL: "qwen3-coder" },
        },
      },
    });
    if (!applied.ok) return;
    const settings = JSON.parse((applied.profile.config.homeFiles as Record<string, string>)[".qwen/settings.json"]);
    expect(settings).toMatchObject({ security: { auth: { selectedType: "openai" } }, model: { name: "qwen3-coder" } });
  });

  test("optional fields leave their entries out; a local endpoint adds opencode's provider", () => {
    const hosted = applyPreset(preset("opencode"), {});
    const local = applyPreset(preset("opencode"), { model: "qwen2.5-coder", baseURL: "http://127.0.0.1:11434/v1" });
    if (!hosted.ok || !local.ok) throw new Error("expected both to apply");
    expect(hosted.profile.config.env).toBeUndefined();
    const hostedConfig = JSON.parse((hosted.profile.config.homeFiles as Record<string, string>)[".config/opencode/opencode.json"]);
    expect(hostedConfig.model).toBe("anthropic/claude-sonnet-4-5");
    expect(hostedConfig.provider).toBeUndefined();
    const localConfig = JSON.parse((local.profile.config.homeFiles as Record<string, string>)[".config/opencode/opencode.json"]);
    expect(localConfig.model).toBe("local/qwen2.5-coder");
    expect(localConfig.provider.local.options.baseURL).toBe("http://127.0.0.1:11434/v1");
    expect(localConfig.provider.local.models).toEqual({ "qwen2.5-coder": {} });
  });

  test("codex: config.toml with a Responses provider only when an endpoint is given; Gemini has client fs off", () => {
    const codex = applyPreset(preset("codex"), { baseURL: "http://127.0.0.1:9000/v1" });
    if (!codex.ok) throw new Error("codex");
    expect((codex.profile.config.homeFiles as Record<string, string>)[".codex/config.toml"]).toContain('wire_api = "responses"');
    expect(codex.profile.config.mode).toBe("auto");
    const plain = applyPreset(preset("codex"), {});
    if (!plain.ok) throw new Error("codex plain");
    expect((plain.profile.config.homeFiles as Record<string, string>)[".codex/config.toml"]).toBe('model = "gpt-5-codex"\n');
    const gemini = applyPreset(preset("gemini-cli"), {});
    expect(gemini.ok && gemini.profile.config).toMatchObject({ clientFs: false, command: ["gemini", "--acp", "-m", "gemini-2.5-pro"] });
  });

  test("bad values are named: a literal key, a URL without a scheme, a missing required field", () => {
    const applied = applyPreset(preset("qwen-code"), { apiKey: "sk-live-abc", baseURL: "localhost:8080", model: "" });
    expect(applied).toEqual({
      ok: false,
      issues: [
        { path: "values.model", message: "is required" },
        { path: "values.baseURL", message: "must be a URL starting with http:// or https://" },
        { path: "values.apiKey", message: 'must be an environment variable reference like "$API_KEY" — secrets are never stored' },
      ],
    });
  });
});
