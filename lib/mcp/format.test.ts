import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agentStatusOf, capText, parseProvider } from "./format";

describe("capText", () => {
  it("returns short text untouched", () => {
    expect(capText("hello", "/api/runs/r1", 10)).toEqual({ text: "hello", truncated: false, omitted: 0 });
  });

  it("keeps the end, says how much was cut and where the rest is", () => {
    const capped = capText("abcdefghij-the-end", "/api/runs/r1", 7);
    expect(capped.truncated).toBe(true);
    expect(capped.omitted).toBe(11);
    expect(capped.text).toMatch(/^\[… 11 earlier characters omitted; read them with \/api\/runs\/r1\]\n/);
    expect(capped.text.endsWith("the-end")).toBe(true);
  });

  it("never returns more than the cap plus the marker", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), fc.integer({ min: 1, max: 100 }), (text, cap) => {
        const capped = capText(text, "/p", cap);
        const body = capped.truncated ? capped.text.slice(capped.text.indexOf("\n") + 1) : capped.text;
        expect(body.length).toBeLessThanOrEqual(cap);
        expect(text.endsWith(body)).toBe(true);
        expect(capped.omitted + body.length).toBe(text.length);
      }),
    );
  });
});

describe("parseProvider", () => {
  it("splits profile and model at the first slash", () => {
    expect(parseProvider("demo")).toEqual({ ok: true, value: { profile: "demo" } });
    expect(parseProvider("claude/sonnet")).toEqual({ ok: true, value: { profile: "claude", model: "sonnet" } });
    expect(parseProvider("router/anthropic/claude-3.5")).toEqual({
      ok: true,
      value: { profile: "router", model: "anthropic/claude-3.5" },
    });
  });

  it("refuses what isn't a profile id, naming the field", () => {
    for (const bad of ["", "Claude", "/x", "a b", "demo/"]) {
      const result = parseProvider(bad);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(/^provider: /);
    }
  });
});

describe("agentStatusOf", () => {
  it("maps run statuses to Paseo's agent lifecycle", () => {
    expect(["pending", "running", "waiting", "succeeded", "failed", "canceled"].map(agentStatusOf)).toEqual([
      "initializing",
      "running",
      "running",
      "idle",
      "error",
      "closed",
    ]);
  });
});
