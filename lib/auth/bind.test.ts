import { describe, expect, it } from "vitest";
import { BindRefusedError, isLoopbackAddress, listenPlanOrThrow } from "./bind";

describe("listenPlanOrThrow", () => {
  it("defaults to 127.0.0.1:3000 without auth", () => {
    expect(listenPlanOrThrow({})).toEqual({ host: "127.0.0.1", port: 3000, authenticated: false, warnings: [] });
  });

  it("takes BATON_PORT over PORT", () => {
    expect(listenPlanOrThrow({ PORT: "4000" }).port).toBe(4000);
    expect(listenPlanOrThrow({ PORT: "4000", BATON_PORT: "4001" }).port).toBe(4001);
    expect(() => listenPlanOrThrow({ PORT: "http" })).toThrow(/PORT=http is not a port/);
    expect(() => listenPlanOrThrow({ BATON_PORT: "70000" })).toThrow(BindRefusedError);
  });

  it("refuses non-loopback addresses without a token, naming the fix", () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.5", "baton.lan"]) {
      expect(() => listenPlanOrThrow({ BATON_HOST: host })).toThrow(/BATON_TOKEN is not set/);
      expect(() => listenPlanOrThrow({ BATON_HOST: host, BATON_TOKEN: "  " })).toThrow(BindRefusedError);
    }
  });

  it("allows any address with a token, warning about short ones", () => {
    expect(listenPlanOrThrow({ BATON_HOST: "0.0.0.0", BATON_TOKEN: "0123456789abcdef0123" })).toMatchObject({
      host: "0.0.0.0",
      authenticated: true,
      warnings: [],
    });
    expect(listenPlanOrThrow({ BATON_HOST: "0.0.0.0", BATON_TOKEN: "short" }).warnings[0]).toMatch(/5 characters/);
  });

  it("knows loopback addresses", () => {
    for (const host of ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"]) expect(isLoopbackAddress(host)).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.1.1.1", "localhost.example"]) expect(isLoopbackAddress(host)).toBe(false);
  });
});
