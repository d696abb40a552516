/**
 * MCP over Streamable HTTP, stateless: every POST gets a fresh server and transport
 * (`sessionIdGenerator: undefined`), so any server process — or several behind one
 * Postgres — can answer any request, and nothing is kept between requests. Responses are
 * SSE streams, so long waits can send progress notifications before their result.
 *
 * Two things a stateless endpoint needs help with:
 * - `notifications/cancelled` arrives in its own POST, at a server that never saw the
 *   request. In-flight requests are therefore kept in a process-wide table, keyed by the
 *   caller's credentials and the JSON-RPC id; a cancel closes the server handling that id,
 *   which aborts the handler (a wait returns at once) and ends its response stream. A cancel
 *   that reaches another process than its request finds nothing and is ignored (the wait
 *   still ends at its timeout). Keying by credentials keeps one caller from cancelling
 *   another's request.
 * - `server/discover` (newer clients probe with it, under a protocol version this SDK does not
 *   know) is answered "method not found" as JSON-RPC, not a transport-level 400, so the
 *   client falls back to `initialize` at once.
 *
 * Auth and the Origin check happen before this, in the proxy (lib/auth/gate.ts).
 */
import crypto from "node:crypto";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { DEFAULT_BODY_LIMIT, readLimitedTextOrThrow } from "../http/body";
import type { ToolContext } from "./context";
import { createBatonMcpServer } from "./server";

type RequestId = string | number;

// On globalThis: Next may evaluate this module more than once, and one table must serve all.
const shared = globalThis as unknown as { __batonMcpInFlight?: Map<string, McpServer> };
const inFlight = () => (shared.__batonMcpInFlight ??= new Map());

/** How many requests are being handled right now (tests watch a cancelled wait leave). */
export function inFlightMcpRequests(): number {
  return inFlight().size;
}

function callerOf(request: Request): string {
  const credentials = `${request.headers.get("authorization") ?? ""}\n${request.headers.get("cookie") ?? ""}`;
  return crypto.createHash("sha256").update(credentials).digest("hex");
}

const keyOf = (caller: string, id: RequestId) => `${caller}\0${typeof id}:${id}`;

function jsonRpcError(id: RequestId | null, code: number, message: string, status = 200): Response {
  return Response.json({ jsonrpc: "2.0", id, error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

interface Message {
  method?: unknown;
  id?: unknown;
  params?: { requestId?: unknown };
}

const isId = (value: unknown): value is RequestId => typeof value === "string" || typeof value === "number";

/** `createServer`: which tools this endpoint serves (all of Baton's by default). */
export async function handleMcpPost(request: Request, context: ToolContext, createServer: (context: ToolContext) => McpServer = createBatonMcpServer): Promise<Response> {
  const text = await readLimitedTextOrThrow(request, DEFAULT_BODY_LIMIT);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return jsonRpcError(null, -32700, "Parse error: the body is not JSON", 400);
  }
  const messages = (Array.isArray(body) ? body : [body]).filter((m): m is Message => typeof m === "object" && m !== null);
  const caller = callerOf(request);

  const only = messages.length === 1 ? messages[0] : undefined;
  if (only?.method === "server/discover" && isId(only.id)) {
    return jsonRpcError(only.id, -32601, `Method not found: server/discover; initialize instead (protocol versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`);
  }

  for (const message of messages) {
    if (message.method !== "notifications/cancelled" || !isId(message.params?.requestId)) continue;
    const key = keyOf(caller, message.params.requestId);
    const server = inFlight().get(key);
    inFlight().delete(key);
    void server?.close().catch(() => {});
  }

  const server = createServer(context);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    maxRequestBodySize: DEFAULT_BODY_LIMIT,
  });
  const keys = messages.filter((m) => typeof m.method === "string" && isId(m.id)).map((m) => keyOf(caller, m.id as RequestId));
  for (const key of keys) inFlight().set(key, server);
  const forget = (key: string) => {
    if (inFlight().get(key) === server) inFlight().delete(key);
  };
  await server.connect(transport);
  // A request leaves the table once its response is sent, or when its server closes.
  const send = transport.send.bind(transport);
  transport.send = async (message: JSONRPCMessage, options) => {
    try {
      await send(message, options);
    } finally {
      if (("result" in message || "error" in message) && isId(message.id)) forget(keyOf(caller, message.id));
    }
  };
  const onclose = server.server.onclose;
  server.server.onclose = () => {
    for (const key of keys) forget(key);
    onclose?.();
  };
  // The client went away: stop any wait in progress and free the transport.
  request.signal.addEventListener("abort", () => void server.close().catch(() => {}), { once: true });
  return transport.handleRequest(request, { parsedBody: body });
}

/** Stateless: there is no session stream to GET and no session to DELETE. */
export function methodNotAllowed(): Response {
  return Response.json(
    { jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed: this MCP endpoint is stateless; POST JSON-RPC messages" }, id: null },
    { status: 405, headers: { allow: "POST", "cache-control": "no-store" } },
  );
}
