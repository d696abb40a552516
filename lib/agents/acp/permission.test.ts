import { describe, expect, test } from "vitest";
import { chooseOption, decideAllow } from "./permission";

const options = [
  { optionId: "proceed_always", kind: "allow_always" },
  { optionId: "proceed_once", kind: "allow_once" },
  { optionId: "cancel", kind: "reject_once" },
];

describe("decideAllow", () => {
  test("worktree policy needs locations, all inside", () => {
    expect(decideAllow("worktree", [true, true])).toBe(true);
    expect(decideAllow("worktree", [true, false])).toBe(false);
    expect(decideAllow("worktree", [])).toBe(false);
  });
  test("allow and deny policies ignore locations", () => {
    expect(decideAllow("allow", [])).toBe(true);
    expect(decideAllow("allow", [false])).toBe(true);
    expect(decideAllow("deny", [true])).toBe(false);
  });
});

describe("chooseOption", () => {
  test("chooses by kind, preferring once over always", () => {
    expect(chooseOption(true, options)).toEqual({ outcome: { outcome: "selected", optionId: "proceed_once" } });
    expect(chooseOption(false, options)).toEqual({ outcome: { outcome: "selected", optionId: "cancel" } });
  });
  test("falls back to the always variant of the same family", () => {
    expect(chooseOption(true, [{ optionId: "x", kind: "allow_always" }, { optionId: "n", kind: "reject_always" }])).toEqual({
      outcome: { outcome: "selected", optionId: "x" },
    });
    expect(chooseOption(false, [{ optionId: "x", kind: "allow_always" }, { optionId: "n", kind: "reject_always" }])).toEqual({
      outcome: { outcome: "selected", optionId: "n" },
    });
  });
  test("a denial with no reject option is cancelled, never an allow", () => {
    expect(chooseOption(false, [{ optionId: "ok", kind: "allow_once" }])).toEqual({ outcome: { outcome: "cancelled" } });
    expect(chooseOption(true, [{ optionId: "no", kind: "reject_once" }])).toEqual({ outcome: { outcome: "cancelled" } });
  });
});
