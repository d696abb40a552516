/**
 * Token comparison and the session cookie. Node runtime only (node:crypto): Next 16's proxy
 * runs on Node.js by default, and so do route handlers.
 *
 * Invariants:
 * - Comparisons hash both sides first, so `timingSafeEqual` always sees equal-length inputs
 *   and the time taken reveals neither the token's length nor a matching prefix.
 * - The cookie never holds the token itself: it holds HMAC(token, label), which only a
 *   holder of the token can compute, and which changes when the token is rotated (so
 *   rotating BATON_TOKEN logs every browser out).
 */
import crypto from "node:crypto";

export const SESSION_COOKIE = "baton_session";
/** 30 days: a personal tool on a trusted machine; rotating the token revokes all sessions. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
const SESSION_LABEL = "baton-session-v1";

function sha256(value: string): Buffer {
  return crypto.createHash("sha256").update(value, "utf8").digest();
}

/** Constant-time equality of two secrets (any lengths). */
export function secretsEqual(given: string, expected: string): boolean {
  return crypto.timingSafeEqual(sha256(given), sha256(expected));
}

/** The cookie value that proves a browser once presented `token`. */
export function sessionValueFor(token: string): string {
  return crypto.createHmac("sha256", token).update(SESSION_LABEL).digest("base64url");
}

export function isValidSession(cookieValue: string, token: string): boolean {
  return secretsEqual(cookieValue, sessionValueFor(token));
}

/** `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 7235). */
export function bearerTokenOf(authorization: string | null): string | null {
  if (!authorization) return null;
  const match = /^bearer[ \t]+(.+)$/i.exec(authorization.trim());
  return match ? match[1].trim() : null;
}

/** The configured token, or null when auth is off. Blank counts as unset. */
export function configuredToken(env: Record<string, string | undefined> = process.env): string | null {
  const token = env.BATON_TOKEN?.trim();
  return token ? token : null;
}

export interface CookieOptions {
  secure: boolean;
}

/** A Set-Cookie header value for a fresh session. */
export function sessionCookieHeader(token: string, { secure }: CookieOptions): string {
  return [
    `${SESSION_COOKIE}=${sessionValueFor(token)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${SESSION_MAX_AGE_SECONDS}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearedSessionCookieHeader({ secure }: CookieOptions): string {
  return [`${SESSION_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=0", ...(secure ? ["Secure"] : [])].join(
    "; ",
  );
}

/** Reads one cookie from a Cookie header without a dependency. */
export function cookieValueOf(cookieHeader: string | null, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
