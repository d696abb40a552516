/**
 * Token comparison and the session cookie. Node runtime only (node:crypto): Next 16's proxy
 * runs on Node.js, and so do route handlers. Pure: the session rows live in sessions.ts.
 *
 * Invariants:
 * - Comparisons hash both sides first, so `timingSafeEqual` always sees equal-length inputs
 *   and the time taken reveals neither the token's length nor a matching prefix.
 * - The cookie never holds the token: it holds `<session id>.<HMAC(token, id)>`. Only a
 *   holder of the token can mint one, a forged or tampered cookie is refused before any
 *   database read, and rotating BATON_TOKEN invalidates every cookie at once.
 * - A cookie alone is not a session: its id must also name a live row in `sessions`
 *   (sessions.ts), which logout deletes — a logged-out cookie is refused even though its
 *   MAC is still right.
 */
import crypto from "node:crypto";

export const SESSION_COOKIE = "baton_session";
/** 30 days: a personal tool on a trusted machine; logout ends one session, rotating the token all. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
const SESSION_LABEL = "baton-session-v2";

function sha256(value: string): Buffer {
  return crypto.createHash("sha256").update(value, "utf8").digest();
}

/** Constant-time equality of two secrets (any lengths). */
export function secretsEqual(given: string, expected: string): boolean {
  return crypto.timingSafeEqual(sha256(given), sha256(expected));
}

/** A fresh, unguessable session id (128 bits). */
export function newSessionId(): string {
  return crypto.randomBytes(16).toString("base64url");
}

function sessionMac(id: string, token: string): string {
  return crypto.createHmac("sha256", token).update(`${SESSION_LABEL}:${id}`).digest("base64url");
}

/** The cookie value for session `id`: proves it was minted by a holder of `token`. */
export function sessionValueFor(id: string, token: string): string {
  return `${id}.${sessionMac(id, token)}`;
}

/** The session id a cookie value carries, if its MAC is right for `token`; else null. */
export function sessionIdOf(cookieValue: string, token: string): string | null {
  const dot = cookieValue.indexOf(".");
  if (dot <= 0) return null;
  const id = cookieValue.slice(0, dot);
  return secretsEqual(cookieValue.slice(dot + 1), sessionMac(id, token)) ? id : null;
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

/** A Set-Cookie header value carrying `cookieValue` (sessionValueFor) for the session's lifetime. */
export function sessionCookieHeader(cookieValue: string, { secure }: CookieOptions): string {
  return [
    `${SESSION_COOKIE}=${cookieValue}`,
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
