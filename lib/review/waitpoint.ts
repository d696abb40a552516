/**
 * Waitpoint tokens (Trigger.dev's model): a waiting approval gets a random token, and
 * `POST /api/waitpoints/<token>` answers that approval — from a chat bot or CI, with no other
 * credential. The token is the capability: 256 random bits, good for that one approval
 * while it waits (an answered or re-planned approval's token finds nothing).
 */
import crypto from "node:crypto";
// The gate lets POSTs under this prefix through on the token alone.
import { WAITPOINT_PREFIX } from "../auth/gate";

const TOKEN_PATTERN = /^wp_[A-Za-z0-9_-]{43}$/;

export function newWaitpointToken(): string {
  return `wp_${crypto.randomBytes(32).toString("base64url")}`;
}

export function isWaitpointToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** The path that answers the approval holding `token`. */
export const waitpointPath = (token: string) => `${WAITPOINT_PREFIX}${token}`;
