/**
 * Runs before every route (Next 16 renamed `middleware` to `proxy`; it runs on Node.js, in
 * the server's own process, so lib/auth may use node:crypto and the app's database — the
 * one instance on globalThis). All rules live in lib/auth/gate.ts; this file only gathers
 * the request facts — the session store's word on a session cookie included, read only when
 * the gate will consult it — and renders the decision.
 *
 * The matcher skips only Next's hashed build assets (JS/CSS), which the login page itself
 * needs and which hold no data. Everything else — pages, API, SSE, MCP, and the image
 * optimizer (it fetches local URLs on the caller's behalf) — passes through the gate.
 */
import { NextResponse, type NextRequest } from "next/server";
import { appDb } from "@/lib/app-db";
import { allowedOriginsFrom, decideRequest, sessionCookieToCheck, type GateDecision, type RequestFacts } from "@/lib/auth/gate";
import { SECURITY_HEADERS } from "@/lib/auth/headers";
import { sessionState } from "@/lib/auth/sessions";
import { configuredToken } from "@/lib/auth/token";

export async function proxy(request: NextRequest) {
  const config = { token: configuredToken(), allowedOrigins: allowedOriginsFrom() };
  const facts: RequestFacts = {
    method: request.method,
    pathname: request.nextUrl.pathname,
    pathWithSearch: request.nextUrl.pathname + request.nextUrl.search,
    headers: request.headers,
  };
  const cookie = sessionCookieToCheck(facts, config);
  let decision: GateDecision;
  try {
    if (cookie !== null && config.token !== null) facts.session = await sessionState((await appDb()).orm, cookie, config.token);
    decision = decideRequest(facts, config);
  } catch (error) {
    console.error("[baton] session lookup failed:", error);
    decision = { action: "reject", status: 503, code: "unavailable", message: "the session store is unavailable; try again, or use the bearer token" };
  }
  const response = respond(decision, request);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}

function respond(decision: GateDecision, request: NextRequest): NextResponse {
  switch (decision.action) {
    case "allow":
      return NextResponse.next();
    case "redirect":
      return NextResponse.redirect(new URL(decision.location, request.url), 303);
    case "reject":
      return NextResponse.json(
        { error: decision.message, code: decision.code },
        {
          status: decision.status,
          headers: {
            "cache-control": "no-store",
            ...(decision.status === 401 ? { "www-authenticate": 'Bearer realm="baton"' } : {}),
          },
        },
      );
  }
}

export const config = {
  matcher: ["/((?!_next/static/).*)"],
};
