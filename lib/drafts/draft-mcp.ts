/**
 * The drafting agent's tools for agents that connect to MCP servers themselves (ACP): the
 * read-only pair (describe_flow_format, validate_flow) over Streamable HTTP at
 * `/api/drafts/mcp/<token>`. The token is minted for one draft, unguessable, and revoked when
 * the draft ends (or after `ttlMs` at the latest); the path token is the credential (the
 * gate lets the path through: lib/auth/gate.ts), so the agent never holds BATON_TOKEN and
 * can reach nothing else. Tokens live in this process: the draft and its endpoint are served
 * by the same server.
 */
import crypto from "node:crypto";
import { DRAFT_MCP_PREFIX } from "../auth/gate";
import type { ToolContext } from "../mcp/context";
import { handleMcpPost } from "../mcp/http";
import { createFormatToolsMcpServer } from "../mcp/server";

// On globalThis: Next may evaluate this module more than once, and one table must serve all.
// A token's entry: when it expires, and who is told of each tool result (the draft's progress).
interface Access {
  expires: number;
  observe?: ToolContext["observe"];
}
const shared = globalThis as unknown as { __batonDraftMcpTokens?: Map<string, Access> };
const tokens = () => (shared.__batonDraftMcpTokens ??= new Map());

export interface DraftMcpAccess {
  /** The endpoint's URL, for the agent's session (`{type: "http", name, url}`). */
  url: string;
  revoke(): void;
}

/**
 * `origin`: how this server is reached from this machine (the draft request's own origin).
 * `observe`: told each tool result served on this endpoint.
 */
export function openDraftMcpAccess(origin: string, ttlMs: number, observe?: ToolContext["observe"]): DraftMcpAccess {
  const token = `dt_${crypto.randomBytes(24).toString("base64url")}`;
  tokens().set(token, { expires: Date.now() + ttlMs, ...(observe ? { observe } : {}) });
  return { url: `${origin.replace(/\/+$/, "")}${DRAFT_MCP_PREFIX}${token}`, revoke: () => void tokens().delete(token) };
}

function liveAccess(token: string): Access | null {
  const access = tokens().get(token);
  if (access === undefined) return null;
  if (access.expires > Date.now()) return access;
  tokens().delete(token);
  return null;
}

/** POST /api/drafts/mcp/<token>: a live token gets the two tools; any other answers 404. */
export async function handleDraftMcpPost(request: Request, token: string, context: ToolContext): Promise<Response> {
  const access = liveAccess(token);
  if (!access) {
    return Response.json(
      { jsonrpc: "2.0", id: null, error: { code: -32001, message: "no such draft: this endpoint lives only while its draft is being written" } },
      { status: 404, headers: { "cache-control": "no-store" } },
    );
  }
  return handleMcpPost(request, access.observe ? { ...context, observe: access.observe } : context, createFormatToolsMcpServer);
}
