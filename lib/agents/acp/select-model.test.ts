import { describe, expect, test } from "vitest";
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
