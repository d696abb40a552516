import { describe, expect, test } from "vitest";
import { chooseAuthMethod, chooseModelCall } from "./open-session";
import { chooseModel } from "./select-model";

const configOptions = [
  { id: "mode", name: "Mode", category: "mode", type: "select", currentValue: "default", options: [{ value: "default", name: "Default" }] },
  {
    id: "model",
    name: "Model",
    category: "model",
    type: "select",
    currentValue: "sonnet",
    options: [
      { group: "fast", name: "Fast", options: [{ value: "haiku", name: "Claude Haiku" }] },
      { group: "smart", name: "Smart", options: [{ value: "sonnet", name: "Claude Sonnet" }, { value: "opus", name: "Claude Opus" }] },
    ],
  },
];

describe("chooseModel", () => {
  test("matches by value or display name, through groups", () => {
    expect(chooseModel(configOptions, "opus")).toEqual({ kind: "set", configId: "model", value: "opus" });
    expect(chooseModel(configOptions, "claude haiku")).toEqual({ kind: "set", configId: "model", value: "haiku" });
  });

  test("an unknown model lists what the agent offers", () => {
    expect(chooseModel(configOptions, "gpt-5")).toEqual({ kind: "unknown", available: ["haiku", "sonnet", "opus"] });
  });

  test("agents without a model option are unsupported", () => {
    expect(chooseModel(undefined, "x")).toEqual({ kind: "unsupported" });
    expect(chooseModel([configOptions[0]], "x")).toEqual({ kind: "unsupported" });
  });
});

describe("chooseModelCall (configOptions, then the models list)", () => {
  // Gemini CLI 0.61's session/new answer: models listed under `models`, no model config option.
  const gemini = {
    sessionId: "s",
    models: {
      currentModelId: "auto",
      availableModels: [
        { modelId: "auto", name: "Auto" },
        { modelId: "gemini-2.5-pro", name: "gemini-2.5-pro" },
        { modelId: "gemini-3.5-flash-lite", name: "gemini-3.5-flash-lite" },
      ],
    },
  };

  test("a listed model is set with session/set_model", () => {
    expect(chooseModelCall(gemini, "Gemini-2.5-Pro")).toEqual({ kind: "set-model", modelId: "gemini-2.5-pro" });
  });

  test("an unlisted model names what the agent offers", () => {
    expect(() => chooseModelCall(gemini, "gpt-9")).toThrow("the agent doesn't offer model gpt-9; it offers: auto, gemini-2.5-pro, gemini-3.5-flash-lite");
  });

  test("a model config option wins; no choice at all keeps the default with a note", () => {
    const configOption = { configOptions: [{ id: "model", category: "model", type: "select", options: [{ value: "m1", name: "M1" }] }], ...gemini };
    expect(chooseModelCall(configOption, "m1")).toEqual({ kind: "config-option", configId: "model", value: "m1" });
    expect(chooseModelCall({ sessionId: "s" }, "m1")).toEqual({ kind: "none", note: "the agent offers no model choice; model m1 ignored, using its default" });
  });
});

describe("chooseAuthMethod", () => {
  const codex = [
    { id: "chatgpt", name: "Login with ChatGPT" },
    { type: "env_var", id: "codex-api-key", name: "Use CODEX_API_KEY", vars: [{ name: "CODEX_API_KEY" }] },
    { type: "env_var", id: "openai-api-key", name: "Use OPENAI_API_KEY", vars: [{ name: "OPENAI_API_KEY" }] },
  ];

  test("the first env-var method whose variables are set; none when none is", () => {
    expect(chooseAuthMethod(codex, undefined, { OPENAI_API_KEY: "sk" })).toEqual({ methodId: "openai-api-key", reason: "OPENAI_API_KEY set" });
    expect(chooseAuthMethod(codex, undefined, {})).toBeNull();
    // qwen's "openai" method is a terminal login: never called on its own.
    expect(chooseAuthMethod([{ id: "openai", name: "Use OpenAI API key", _meta: { type: "terminal" } }], undefined, { OPENAI_API_KEY: "sk" })).toBeNull();
  });

  test("the profile's authMethod wins, and must be offered", () => {
    expect(chooseAuthMethod(codex, "chatgpt", {})).toEqual({ methodId: "chatgpt", reason: "the profile's authMethod" });
    expect(() => chooseAuthMethod(codex, "oauth", {})).toThrow('the profile\'s authMethod "oauth" is not offered by the agent; it offers: chatgpt, codex-api-key, openai-api-key');
  });
});
