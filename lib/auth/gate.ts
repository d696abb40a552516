/**
 * The request gate: one pure decision per request, made by the proxy before any route runs.
 * No I/O here — the proxy gathers the facts and turns the decision into a response — so
 * every rule is unit-tested without a server.
 *
 * Rules, in order:
 * 1. Without a token the server is loopback-only, so the Host must be a loopback name:
 *    this stops DNS rebinding (evil.example resolving to 127.0.0.1 makes the browser treat
 *    our API as same-origin with the attacker's page).
 * 2. Mutating methods carrying an Origin must come from our own origin (Host header or an
 *    allowed origin): browsers always send Origin on cross-site POSTs, so this refuses CSRF.
 *    Non-browser clients (curl, MCP clients) send no Origin and are judged by rule 4 alone.
 * 3. A declared body larger than the proxy can buffer is refused: past that size Next would
 *    hand the route a silently truncated body.
 * 4. With a token, every path except the login page and the auth routes needs a valid
 *    bearer header or a live session. A bearer header, when present, decides on its own.
 *    Whether a session cookie names a live session is a database fact: the proxy asks
 *    `sessionCookieToCheck` which cookie (if any) this rule will consult, looks it up
 *    (sessions.ts) and passes the answer in `facts.session`.
 *    Waitpoints (`POST /api/waitpoints/<token>`) are the exception: the unguessable token in
 *    the path is the credential (lib/review/waitpoint.ts), so a chat bot or CI can answer one
 *    approval without holding BATON_TOKEN. So is the drafting agent's MCP endpoint
 *    (`/api/drafts/mcp/<token>`, see isDraftMcpRequest). Rules 1–3 still apply to them.
 */
import { bearerTokenOf, cookieValueOf, secretsEqual, SESSION_COOKIE } from "./token";

export const MUTATING_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Next's default proxyClientMaxBodySize (10 MB): the largest body a route can see whole. */
export const PROXY_BODY_LIMIT = 10 * 1024 * 1024;
/** Reachable without a token: the way in and the way out. */
export const PUBLIC_PATHS = new Set(["/login", "/api/auth/login", "/api/auth/logout"]);
/** Answered by their path's token alone (see rule 4). */
export const WAITPOINT_PREFIX = "/api/waitpoints/";

/** A waitpoint answer: POST to /api/waitpoints/<one segment>. */
export function isWaitpointRequest(method: string, pathname: string): boolean {
  return method === "POST" && pathname.startsWith(WAITPOINT_PREFIX) && /^[^/]+$/.test(pathname.slice(WAITPOINT_PREFIX.length));
}

/**
 * The drafting agent's MCP endpoint: `/api/drafts/mcp/<token>`, the token minted for one draft
 * and valid while it lasts (lib/drafts/draft-mcp.ts). It serves only describe_flow_format and
 * validate_flow, so the agent never holds BATON_TOKEN. Any method: an MCP client also probes
 * with GET/DELETE (answered 405), and a 401 there would send it looking for OAuth.
 */
export const DRAFT_MCP_PREFIX = "/api/drafts/mcp/";

export function isDraftMcpRequest(pathname: string): boolean {
  return pathname.startsWith(DRAFT_MCP_PREFIX) && /^[^/]+$/.test(pathname.slice(DRAFT_MCP_PREFIX.length));
}

/** Requests whose path token is their credential (rule 4's exceptions). */
const pathTokenRequest = (method: string, pathname: string) => isWaitpointRequest(method, pathname) || isDraftMcpRequest(pathname);

export interface RequestFacts {
  method: string;
  pathname: string;
  /** pathname + search, for the post-login redirect. */
  pathWithSearch: string;
  headers: Pick<Headers, "get">;
  /**
   * The session store's answer for the cookie `sessionCookieToCheck` named: "live", or
   * "dead" (forged, tampered, expired, logged out, or minted under an older token).
   * Absent when there was nothing to check.
   */
  session?: "live" | "dead";
}

export interface GateConfig {
  token: string | null;
  /** Extra origins allowed to send mutating requests (e.g. a reverse proxy's public origin). */
  allowedOrigins: readonly string[];
  bodyLimit?: number;
}

export type GateDecision =
  | { action: "allow" }
  | { action: "reject"; status: 400 | 401 | 403 | 413 | 503; code: string; message: string }
  | { action: "redirect"; location: string };

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** Host header without its port; IPv6 literals keep their brackets. */
export function hostnameOf(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith("[")) {
    const end = trimmed.indexOf("]");
    return end < 0 ? trimmed : trimmed.slice(0, end + 1);
  }
  const colon = trimmed.lastIndexOf(":");
  return colon < 0 ? trimmed : trimmed.slice(0, colon);
}

export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return LOOPBACK_NAMES.has(name) || /^127(\.\d{1,3}){3}$/.test(name) || name.endsWith(".localhost");
}

/** `scheme://host[:port]` of an Origin header, or null when it is not a usable origin ("null"). */
function originHost(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === "http:" || url.protocol === "https:" ? url.host.toLowerCase() : null;
  } catch {
    return null;
  }
}

export function isSameOrigin(origin: string, host: string, allowedOrigins: readonly string[]): boolean {
  const fromHost = originHost(origin);
  if (fromHost === null) return false;
  if (fromHost === host.trim().toLowerCase()) return true;
  return allowedOrigins.some((allowed) => originHost(allowed) === fromHost);
}

export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

function unauthorized(message: string): GateDecision {
  return { action: "reject", status: 401, code: "unauthorized", message };
}

export function decideRequest(facts: RequestFacts, config: GateConfig): GateDecision {
  const method = facts.method.toUpperCase();
  const host = facts.headers.get("host");
  if (!host) return { action: "reject", status: 400, code: "bad_request", message: "Host header is required" };

  if (config.token === null && !isLoopbackHostname(hostnameOf(host))) {
    return {
      action: "reject",
      status: 403,
      code: "forbidden",
      message: `Host ${hostnameOf(host)} is not a loopback name; without BATON_TOKEN only 127.0.0.1/localhost are served`,
    };
  }

  if (MUTATING_METHODS.has(method)) {
    const origin = facts.headers.get("origin");
    if (origin !== null && !isSameOrigin(origin, host, config.allowedOrigins)) {
      return {
        action: "reject",
        status: 403,
        code: "forbidden",
        message: `cross-origin ${method} refused: Origin ${origin} does not match host ${host}`,
      };
    }
    const declared = Number(facts.headers.get("content-length") ?? "NaN");
    const limit = config.bodyLimit ?? PROXY_BODY_LIMIT;
    if (Number.isFinite(declared) && declared > limit) {
      return {
        action: "reject",
        status: 413,
        code: "payload_too_large",
        message: `body is ${declared} bytes; the limit is ${limit}`,
      };
    }
  }

  if (config.token === null || PUBLIC_PATHS.has(facts.pathname) || pathTokenRequest(method, facts.pathname)) return { action: "allow" };

  const authorization = facts.headers.get("authorization");
  if (authorization !== null) {
    const bearer = bearerTokenOf(authorization);
    if (bearer !== null && secretsEqual(bearer, config.token)) return { action: "allow" };
    return unauthorized("invalid bearer token");
  }
  if (facts.session === "live") return { action: "allow" };

  if (!isApiPath(facts.pathname) && (method === "GET" || method === "HEAD")) {
    return { action: "redirect", location: `/login?next=${encodeURIComponent(facts.pathWithSearch)}` };
  }
  return unauthorized(
    facts.session === "dead" ? "session expired or ended; log in again" : "authentication required: send Authorization: Bearer <BATON_TOKEN>",
  );
}

/**
 * The session cookie rule 4 would consult for this request, or null when it won't look at
 * one (auth off, a public path, a bearer header deciding on its own, no cookie): the proxy
 * reads the session store only then.
 */
export function sessionCookieToCheck(facts: RequestFacts, config: GateConfig): string | null {
  if (config.token === null || PUBLIC_PATHS.has(facts.pathname) || facts.headers.get("authorization") !== null) return null;
  if (pathTokenRequest(facts.method.toUpperCase(), facts.pathname)) return null;
  return cookieValueOf(facts.headers.get("cookie"), SESSION_COOKIE) || null;
}

/** `BATON_ALLOWED_ORIGINS`: comma-separated origins, e.g. `https://baton.example.com`. */
export function allowedOriginsFrom(env: Record<string, string | undefined> = process.env): string[] {
  return (env.BATON_ALLOWED_ORIGINS ?? "")
    .split(",")
    .map((value) => value.trim())
    .filter(Boolean);
}

/**
 * Where to go after login: only same-site absolute paths, so `next` can't be turned into an
 * open redirect (`//evil.example`, `/\evil.example`, `https://…`).
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f]/.test(next)) return "/";
  return next;
}
