/**
 * Browser sessions in the database: created at login, looked up by the proxy on every
 * request that relies on a cookie, deleted at logout. The cookie's MAC (token.ts) is checked
 * before any query, so forged cookies cost no database read and only a holder of the token
 * can make Baton look a session up.
 */
import { and, eq, gt, lt } from "drizzle-orm";
import type { Executor } from "../db/client";
import { sessions } from "../db/schema";
import { newSessionId, SESSION_MAX_AGE_SECONDS, sessionIdOf, sessionValueFor } from "./token";

/** A new session row; returns the cookie value naming it. Expired rows go in the same call. */
export async function createSession(db: Executor, token: string, now = new Date()): Promise<string> {
  const id = newSessionId();
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
  await db.insert(sessions).values({ id, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000) });
  return sessionValueFor(id, token);
}

/** "live" when the cookie was minted under `token` and its session exists and hasn't expired. */
export async function sessionState(db: Executor, cookieValue: string, token: string, now = new Date()): Promise<"live" | "dead"> {
  const id = sessionIdOf(cookieValue, token);
  if (id === null) return "dead";
  const [row] = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, now)));
  return row ? "live" : "dead";
}

/** Ends the cookie's session (a forged or unknown cookie ends nothing). */
export async function endSession(db: Executor, cookieValue: string, token: string): Promise<void> {
  const id = sessionIdOf(cookieValue, token);
  if (id !== null) await db.delete(sessions).where(eq(sessions.id, id));
}
