import { beforeEach, describe, expect, test } from "vitest";
import type { AgentBackend } from "../agents/types";
import { AVAILABILITY_TTL_MS, cachedAvailability, checkProfileAvailability, forgetAvailability } from "./availability";

let calls = 0;
let clock = Date.parse("2026-11-23T12:00:00Z");
const now = () => clock;
const fakeBackend: AgentBackend = {
  id: "command",
  run: () => Promise.reject(new Error("not used")),
  availability: async (config) => {
    calls++;
    if (config.explode) throw new Error("kaboom");
    return { available: config.ok === true, reason: `checked ${String(config.ok)}` };
  },
};
const lookup = () => fakeBackend;
const profile = (config: Record<string, unknown>, enabled = true) => ({ id: "p", backend: "command", config, enabled });

beforeEach(() => {
  calls = 0;
  forgetAvailability("p");
});

describe("profile availability cache", () => {
  test("caches within the TTL and shares in-flight checks", async () => {
    const [a, b] = await Promise.all([
      checkProfileAvailability(profile({ ok: true }), { lookup, now }),
      checkProfileAvailability(profile({ ok: true }), { lookup, now }),
    ]);
    expect(a).toEqual({ available: true, reason: "checked true", checkedAt: "2026-11-23T12:00:00.000Z" });
    expect(b).toBe(a);
    expect(calls).toBe(1);
    expect(cachedAvailability(profile({ ok: true }), now)).toEqual(a);

    clock += AVAILABILITY_TTL_MS + 1;
    expect(cachedAvailability(profile({ ok: true }), now)).toBeNull();
    await checkProfileAvailability(profile({ ok: true }), { lookup, now });
    expect(calls).toBe(2);
  });

  test("a config edit invalidates; force re-checks", async () => {
    await checkProfileAvailability(profile({ ok: true }), { lookup, now });
    expect(cachedAvailability(profile({ ok: false }), now)).toBeNull();
    expect((await checkProfileAvailability(profile({ ok: false }), { lookup, now })).available).toBe(false);
    await checkProfileAvailability(profile({ ok: false }), { lookup, now, force: true });
    expect(calls).toBe(3);
  });

  test("disabled profiles and throwing checks are unavailable with a reason", async () => {
    expect(await checkProfileAvailability(profile({ ok: true }, false), { lookup, now })).toMatchObject({ available: false, reason: "profile is disabled" });
    expect(calls).toBe(0);
    expect(await checkProfileAvailability(profile({ explode: true }), { lookup, now })).toMatchObject({
      available: false,
      reason: "availability check failed: kaboom",
    });
  });
});
