/**
 * Runs before every route (Next 16 renamed `middleware` to `proxy`; it runs on Node.js, so
 * lib/auth may use node:crypto). All rules live in lib/auth/gate.ts; this file only gathers
 * the request facts and renders the decision.
 *
 * The matcher skips only Next's hashed build assets (JS/CSS), which the login page itself
 * needs and which hold no data. Everything else — pages, API, SSE, MCP, and the image
 * optimizer (it fetches local URLs on the caller's behalf) — passes through the gate.
 */
import { NextResponse, type NextRequest } from "next/server";
import { allowedOriginsFrom, decideRequest } from "@/lib/auth/gate";
import { SECURITY_HEADERS } from "@/lib/auth/headers";
import { configuredToken } from "@/lib/auth/token";

export function proxy(request: NextRequest) {
  const decision = decideRequest(
    {
      method: request.method,
      pathname: request.nextUrl.pathname,
      pathWithSearch: request.nextUrl.pathname + request.nextUrl.search,
      headers: request.headers,
    },
    { token: configuredToken(), allowedOrigins: allowedOriginsFrom() },
  );
  const response = respond(decision, request);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}

function respond(decision: ReturnType<typeof decideRequest>, request: NextRequest): NextResponse {
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
