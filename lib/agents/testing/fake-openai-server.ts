/**
 * A fake OpenAI-compatible server on 127.0.0.1 (random port) for the openai backend tests.
 * Each test scripts what `POST /chat/completions` and `GET /models` answer.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type ChatReply =
  /** SSE: each event is JSON-encoded (objects) or written raw after "data: " (strings). */
  | { kind: "stream"; events: Array<object | string>; done?: boolean; delayMs?: number; hangAfter?: boolean }
  | { kind: "status"; status: number; body: string; contentType?: string }
  /** Raw bytes, for framing tests (split events, CRLF, comments). */
  | { kind: "raw"; chunks: string[] };

export interface FakeOpenaiScript {
  chat?: ChatReply;
  models?: { status: number; body: unknown } | { hang: true };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface FakeOpenai {
  baseURL: string;
  requests: RecordedRequest[];
  /** Resolves when a streaming response has been closed by the client. */
  clientGone(): Promise<void>;
  close(): Promise<void>;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A text delta chunk as real servers send it. */
export function deltaChunk(content: string, finishReason: string | null = null): object {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1732400000,
    model: "fake-model",
    choices: [{ index: 0, delta: { content }, finish_reason: finishReason }],
  };
}

export async function startFakeOpenai(script: FakeOpenaiScript): Promise<FakeOpenai> {
  const requests: RecordedRequest[] = [];
  let resolveGone: () => void = () => {};
  const gone = new Promise<void>((resolve) => (resolveGone = resolve));
  const sockets = new Set<import("node:net").Socket>();

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: text ? JSON.parse(text) : null });

    if (req.method === "GET" && req.url === "/v1/models") {
      const models = script.models ?? { status: 200, body: { object: "list", data: [{ id: "fake-model", object: "model" }] } };
      if ("hang" in models) return;
      res.writeHead(models.status, { "content-type": "application/json" });
      res.end(JSON.stringify(models.body));
      return;
    }
    if (req.method !== "POST" || req.url !== "/v1/chat/completions" || !script.chat) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    const reply = script.chat;
    if (reply.kind === "status") {
      res.writeHead(reply.status, { "content-type": reply.contentType ?? "application/json" });
      res.end(reply.body);
      return;
    }
    res.on("close", () => resolveGone());
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    if (reply.kind === "raw") {
      for (const chunk of reply.chunks) res.write(chunk);
      res.end();
      return;
    }
    for (const event of reply.events) {
      if (res.destroyed) return;
      res.write(`data: ${typeof event === "string" ? event : JSON.stringify(event)}\n\n`);
      if (reply.delayMs) await delay(reply.delayMs);
    }
    if (reply.hangAfter) return;
    if (reply.done !== false) res.write("data: [DONE]\n\n");
    res.end();
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    clientGone: () => gone,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
