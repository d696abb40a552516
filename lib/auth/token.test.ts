import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bearerTokenOf,
  clearedSessionCookieHeader,
  configuredToken,
  cookieValueOf,
  newSessionId,
  secretsEqual,
  sessionCookieHeader,
  sessionIdOf,
  sessionValueFor,
} from "./token";

describe("secretsEqual", () => {
  it("is true exactly when the strings are equal, for any lengths", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(secretsEqual(a, b)).toBe(a === b);
        expect(secretsEqual(a, a)).toBe(true);
      }),
    );
  });

  it("refuses a prefix and a longer string", () => {
    expect(secretsEqual("secret-token", "secret-token-2")).toBe(false);
    expect(secretsEqual("secret", "secret-token")).toBe(false);
    expect(secretsEqual("", "x")).toBe(false);
  });
});

describe("session cookie", () => {
  const token = "correct-horse-battery-staple";

  it("names a session and proves who minted it, never holding the token itself", () => {
    const id = newSessionId();
    const header = sessionCookieHeader(sessionValueFor(id, token), { secure: false });
    expect(header).not.toContain(token);
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Strict/);
    expect(header).toMatch(/Path=\//);
    expect(header).not.toMatch(/Secure/);
    expect(sessionCookieHeader("x.y", { secure: true })).toMatch(/; Secure$/);
    const value = cookieValueOf(header.split(";")[0], "baton_session");
    expect(sessionIdOf(value ?? "", token)).toBe(id);
    expect(newSessionId()).not.toBe(id);
  });

  it("refuses a tampered id or MAC, the raw token, and every cookie after the token rotates", () => {
    const value = sessionValueFor("session-a", token);
    expect(sessionIdOf(value.replace("session-a", "session-b"), token)).toBeNull();
    expect(sessionIdOf(`${value}x`, token)).toBeNull();
    expect(sessionIdOf(token, token)).toBeNull();
    expect(sessionIdOf(".abc", token)).toBeNull();
    expect(sessionIdOf(value, "rotated-token-bbbbbbbb")).toBeNull();
  });

  it("is cleared with Max-Age=0", () => {
    expect(clearedSessionCookieHeader({ secure: false })).toMatch(/^baton_session=; .*Max-Age=0/);
  });
});

describe("header parsing", () => {
  it("reads bearer tokens case-insensitively and nothing else", () => {
    expect(bearerTokenOf("Bearer abc")).toBe("abc");
    expect(bearerTokenOf("bearer   abc ")).toBe("abc");
    expect(bearerTokenOf("Basic abc")).toBeNull();
    expect(bearerTokenOf("Bearer")).toBeNull();
    expect(bearerTokenOf(null)).toBeNull();
  });

  it("reads one cookie among several", () => {
    expect(cookieValueOf("a=1; baton_session=xyz; b=2", "baton_session")).toBe("xyz");
    expect(cookieValueOf("xbaton_session=1", "baton_session")).toBeNull();
    expect(cookieValueOf(null, "baton_session")).toBeNull();
  });

  it("treats a blank BATON_TOKEN as unset", () => {
    expect(configuredToken({ BATON_TOKEN: "  " })).toBeNull();
    expect(configuredToken({})).toBeNull();
    expect(configuredToken({ BATON_TOKEN: " t0k " })).toBe("t0k");
  });
});
