/**
 * Login and logout. The login page posts an HTML form (works without client JavaScript) and
 * gets redirects; API clients post JSON and get JSON. Either way a correct token starts a
 * session (sessions.ts) and earns an httpOnly, SameSite=Strict cookie naming it (see
 * token.ts for what it holds); logout ends that session, so the cookie stops working even
 * if a copy of it survives.
 */
import { z } from "zod";
import type { Executor } from "../db/client";
import { HttpError } from "../http/errors";
import { readJsonOrFormOrThrow } from "../http/form";
import { parseOrThrow } from "../http/body";
import { json } from "../http/route";
import { safeNextPath } from "./gate";
import { createSession, endSession } from "./sessions";
import { clearedSessionCookieHeader, configuredToken, cookieValueOf, secretsEqual, SESSION_COOKIE, sessionCookieHeader } from "./token";

const LOGIN_BODY_LIMIT = 16 * 1024;

const loginBody = z.object({
  token: z.string().min(1, "token is required").max(4096, "token is too long"),
  next: z.string().max(2048).optional(),
});

/** Behind a TLS-terminating proxy the request URL is http; X-Forwarded-Proto tells the truth. */
export function isSecureRequest(request: Request): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return forwarded ? forwarded === "https" : new URL(request.url).protocol === "https:";
}

function seeOther(location: string, setCookie?: string): Response {
  const headers = new Headers({ location, "cache-control": "no-store" });
  if (setCookie) headers.set("set-cookie", setCookie);
  return new Response(null, { status: 303, headers });
}

export async function loginOrThrow(request: Request, db: Executor): Promise<Response> {
  const { kind, body } = await readJsonOrFormOrThrow(request, LOGIN_BODY_LIMIT);
  const token = configuredToken();
  if (token === null) {
    if (kind === "form") return seeOther("/");
    throw new HttpError("conflict", "authentication is off: BATON_TOKEN is not set");
  }
  const { token: given, next } = parseOrThrow(loginBody, body);
  const ok = secretsEqual(given, token);
  const secure = isSecureRequest(request);
  if (kind === "form") {
    const target = safeNextPath(next);
    if (!ok) return seeOther(`/login?error=invalid&next=${encodeURIComponent(target)}`);
    return seeOther(target, sessionCookieHeader(await createSession(db, token), { secure }));
  }
  if (!ok) throw new HttpError("unauthorized", "invalid token");
  return json({ ok: true }, { headers: { "set-cookie": sessionCookieHeader(await createSession(db, token), { secure }) } });
}

export async function logout(request: Request, db: Executor): Promise<Response> {
  const token = configuredToken();
  const current = cookieValueOf(request.headers.get("cookie"), SESSION_COOKIE);
  if (token !== null && current) await endSession(db, current, token);
  const cookie = clearedSessionCookieHeader({ secure: isSecureRequest(request) });
  if ((request.headers.get("content-type") ?? "").startsWith("application/x-www-form-urlencoded")) {
    return seeOther("/login", cookie);
  }
  return json({ ok: true }, { headers: { "set-cookie": cookie } });
}
