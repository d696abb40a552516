/**
 * The drafting agent's MCP route (app/api/drafts/mcp/[token]) on a real HTTP server on
 * 127.0.0.1 for tests: node request → web Request → the route's own handler.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "../../db/client";
import { methodNotAllowed } from "../../mcp/http";
import { handleDraftMcpPost } from "../draft-mcp";

export interface DraftMcpTestServer {
  origin: string;
  /** "<method> <JSON-RPC method>" of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startDraftMcpServer(db: Db): Promise<DraftMcpTestServer> {
  const context = { db: async () => db, log: () => {} };
  let origin = "";
  const requests: string[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const body = Buffer.concat(chunks).toString("utf8");
    requests.push(`${req.method} ${/"method":"([^"]+)"/.exec(body)?.[1] ?? ""}`.trim());
    const token = /^\/api\/drafts\/mcp\/([^/?]+)$/.exec(req.url ?? "")?.[1];
    const request = new Request(`${origin}${req.url}`, { method: req.method, headers, ...(req.method === "POST" ? { body: Buffer.concat(chunks) } : {}) });
    const response = token && req.method === "POST" ? await handleDraftMcpPost(request, token, context) : methodNotAllowed();
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
