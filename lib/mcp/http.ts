/**
 * MCP over Streamable HTTP, stateless: every POST gets a fresh server and transport
 * (`sessionIdGenerator: undefined`), so any server process — or several behind one
 * Postgres — can answer any request, and nothing is kept between requests. Responses are
 * SSE streams, so long waits can send progress notifications before their result.
 *
 * Auth and the Origin check happen before this, in the proxy (lib/auth/gate.ts).
 */
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { DEFAULT_BODY_LIMIT } from "../http/body";
import type { ToolContext } from "./context";
import { createBatonMcpServer } from "./server";

export async function handleMcpPost(request: Request, context: ToolContext): Promise<Response> {
  const server = createBatonMcpServer(context);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    maxRequestBodySize: DEFAULT_BODY_LIMIT,
  });
  await server.connect(transport);
  // The client went away: stop any wait in progress and free the transport.
  request.signal.addEventListener("abort", () => void server.close().catch(() => {}), { once: true });
  return transport.handleRequest(request);
}

/** Stateless: there is no session stream to GET and no session to DELETE. */
export function methodNotAllowed(): Response {
  return Response.json(
    { jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed: this MCP endpoint is stateless; POST JSON-RPC messages" }, id: null },
    { status: 405, headers: { allow: "POST", "cache-control": "no-store" } },
  );
}
