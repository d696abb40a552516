import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bearerTokenOf,
  clearedSessionCookieHeader,
  configuredToken,
  cookieValueOf,
  isValidSession,
  secretsEqual,
  sessionCookieHeader,
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
  it("holds a value derived from the token, never the token itself", () => {
    const token = "correct-horse-battery-staple";
    const header = sessionCookieHeader(token, { secure: false });
    expect(header).not.toContain(token);
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Strict/);
    expect(header).toMatch(/Path=\//);
    expect(header).not.toMatch(/Secure/);
    expect(sessionCookieHeader(token, { secure: true })).toMatch(/; Secure$/);
    const value = cookieValueOf(header.split(";")[0], "baton_session");
    expect(value).toBe(sessionValueFor(token));
    expect(isValidSession(value ?? "", token)).toBe(true);
  });

  it("is invalidated by rotating the token", () => {
    expect(isValidSession(sessionValueFor("old-token-aaaaaaaa"), "new-token-bbbbbbbb")).toBe(false);
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
