/**
 * A scripted model server on 127.0.0.1 for real agent CLIs (qwen-code, Gemini CLI,
 * codex-acp): it speaks the three wire formats they use — OpenAI chat completions
 * (streamed, with tool calls), Gemini `generateContent`/`streamGenerateContent`, and the
 * OpenAI Responses API — and answers each request with the scripted turn for its place in
 * the conversation.
 *
 * Which turn: the number of model replies already in the request's history (assistant
 * messages / `model` contents / function-call outputs). So an agent's side requests (title
 * or suggestion prompts, retries) never shift the script, and a request past the script
 * gets a plain "ok". A Gemini request for JSON (its model router) gets an object shaped by
 * the schema it sent.
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ScriptedToolCall {
  name: string;
  args: Record<string, unknown>;
}

export interface ScriptedTurn {
  text?: string;
  toolCalls?: ScriptedToolCall[];
  /** Reported as this reply's usage (default 100 in / 20 out). */
  usage?: { input: number; output: number };
  /** Send the opening of the reply, then nothing until the client goes away. */
  hang?: boolean;
  /** Answer with this HTTP status instead (an error body). */
  status?: number;
  /** Answer only once this settles: a test holds a turn until it has seen what came before. */
  after?: Promise<unknown>;
}

export interface ModelRequest {
  format: "chat" | "gemini" | "responses" | "other";
  url: string;
  turn: number;
  body: Record<string, unknown>;
}

export interface ModelServer {
  /** http://127.0.0.1:<port> (append /v1 for OpenAI-style clients). */
  origin: string;
  requests: ModelRequest[];
  /** Resolves once a request for scripted turn `turn` arrived. */
  waitForTurn(turn: number): Promise<void>;
  /** Replaces the script (a test learns the worktree path only once its run exists). */
  setScript(script: ScriptedTurn[]): void;
  /** Requests being answered now (a hanging turn counts until its client goes away). */
  inFlight(): number;
  close(): Promise<void>;
}

const DEFAULT_USAGE = { input: 100, output: 20 };
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);

/** Scripted turn index of a request: how many model replies its history already holds. */
export function turnOf(format: ModelRequest["format"], body: Json): number {
  if (format === "chat") return list(body.messages).filter((m) => m.role === "assistant").length;
  if (format === "gemini") return list(body.contents).filter((c) => c.role === "model").length;
  if (format === "responses") return list(body.input).filter((i) => i.type === "function_call_output").length;
  return 0;
}

/** A value of the shape a (Gemini-style, upper- or lower-case typed) JSON schema asks for. */
export function sampleOf(schema: unknown): unknown {
  if (!isObject(schema)) return null;
  const type = String(schema.type ?? "object").toLowerCase();
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (type === "object") {
    const properties = isObject(schema.properties) ? schema.properties : {};
    return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, sampleOf(value)]));
  }
  if (type === "array") return [];
  if (type === "integer" || type === "number") return 1;
  if (type === "boolean") return false;
  return "scripted";
}

function sse(res: http.ServerResponse): (data: unknown, event?: string) => void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  return (data, event) => res.write(`${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
}

function replyChat(res: http.ServerResponse, turn: ScriptedTurn, index: number): boolean {
  const send = sse(res);
  const base = { id: `chatcmpl-${index}`, object: "chat.completion.chunk", created: 1_764_000_000, model: "scripted" };
  const chunk = (delta: Json, finish: string | null = null) => send({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  chunk({ role: "assistant", content: "" });
  if (turn.hang) return false;
  if (turn.text) chunk({ content: turn.text });
  const calls = turn.toolCalls ?? [];
  calls.forEach((call, i) =>
    chunk({ tool_calls: [{ index: i, id: `call_${index}_${i}`, type: "function", function: { name: call.name, arguments: JSON.stringify(call.args) } }] }),
  );
  chunk({}, calls.length > 0 ? "tool_calls" : "stop");
  const usage = turn.usage ?? DEFAULT_USAGE;
  send({ ...base, choices: [], usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } });
  send("[DONE]");
  return true;
}

function geminiReply(turn: ScriptedTurn, model: string): Json {
  const parts: Json[] = [];
  if (turn.text) parts.push({ text: turn.text });
  for (const call of turn.toolCalls ?? []) parts.push({ functionCall: { name: call.name, args: call.args } });
  const usage = turn.usage ?? DEFAULT_USAGE;
  return {
    candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
    usageMetadata: { promptTokenCount: usage.input, candidatesTokenCount: usage.output, totalTokenCount: usage.input + usage.output },
    modelVersion: model,
  };
}

function replyResponses(res: http.ServerResponse, turn: ScriptedTurn, index: number): boolean {
  const send = sse(res);
  const event = (data: Json) => send(data, String(data.type));
  const id = `resp_${index}`;
  event({ type: "response.created", response: { id, status: "in_progress" } });
  if (turn.hang) return false;
  let at = 0;
  if (turn.text) {
    const item = { type: "message", id: `msg_${index}`, role: "assistant", status: "completed", content: [] as Json[] };
    event({ type: "response.output_item.added", output_index: at, item });
    event({ type: "response.output_text.delta", item_id: item.id, output_index: at, content_index: 0, delta: turn.text });
    event({ type: "response.output_item.done", output_index: at, item: { ...item, content: [{ type: "output_text", text: turn.text, annotations: [] }] } });
    at++;
  }
  for (const [i, call] of (turn.toolCalls ?? []).entries()) {
    const item = { type: "function_call", id: `fc_${index}_${i}`, call_id: `call_${index}_${i}`, name: call.name, arguments: JSON.stringify(call.args), status: "completed" };
    event({ type: "response.output_item.added", output_index: at, item: { ...item, arguments: "" } });
    event({ type: "response.output_item.done", output_index: at, item });
    at++;
  }
  const usage = turn.usage ?? DEFAULT_USAGE;
  event({
    type: "response.completed",
    response: { id, status: "completed", usage: { input_tokens: usage.input, input_tokens_details: { cached_tokens: 0 }, output_tokens: usage.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: usage.input + usage.output } },
  });
  return true;
}

function formatOf(url: string): ModelRequest["format"] {
  if (url.includes("/chat/completions")) return "chat";
  if (/\/models\/[^/:]+:\w+/.test(url)) return "gemini";
  if (/\/responses(\?|$)/.test(url)) return "responses";
  return "other";
}

export interface ModelServerOptions {
  /**
   * "history" (default): a request's turn is the model replies already in its history.
   * "request": the n-th request of a format gets turn n — for clients that send every turn as
   * a fresh one-message conversation (Baton's draft loop through the openai backend).
   */
  turns?: "history" | "request";
}

export async function startModelServer(initial: ScriptedTurn[] = [], options: ModelServerOptions = {}): Promise<ModelServer> {
  let script = initial;
  const requests: ModelRequest[] = [];
  const waiters: Array<{ turn: number; resolve: () => void }> = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;

  const server = http.createServer(async (req, res) => {
    inFlight++;
    res.on("close", () => inFlight--);
    let text = "";
    for await (const chunk of req) text += chunk;
    const url = req.url ?? "";
    const format = formatOf(url);
    let body: Json = {};
    try {
      body = text ? (JSON.parse(text) as Json) : {};
    } catch {
      // kept empty: recorded as sent
    }
    const index = options.turns === "request" ? requests.filter((r) => r.format === format).length : turnOf(format, body);
    requests.push({ format, url, turn: index, body });
    for (const waiter of waiters.filter((w) => w.turn === index)) waiter.resolve();
    const turn = script[index] ?? { text: "ok" };
    if (turn.after) await turn.after;

    if (turn.status) {
      res.writeHead(turn.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `scripted status ${turn.status}`, code: turn.status } }));
      return;
    }
    if (format === "chat") {
      if (replyChat(res, turn, index)) res.end();
      return;
    }
    if (format === "responses") {
      if (replyResponses(res, turn, index)) res.end();
      return;
    }
    if (format === "gemini") {
      const [, model, op] = /\/models\/([^/:]+):(\w+)/.exec(url)!;
      if (op === "countTokens") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ totalTokens: 42 }));
        return;
      }
      const config = isObject(body.generationConfig) ? body.generationConfig : {};
      // A JSON-mode request is the agent's own bookkeeping (model routing), not the task.
      const reply =
        config.responseMimeType === "application/json"
          ? geminiReply({ text: JSON.stringify(sampleOf(config.responseJsonSchema ?? config.responseSchema)) }, model)
          : geminiReply(turn, model);
      if (op === "streamGenerateContent") {
        const send = sse(res);
        if (turn.hang && config.responseMimeType !== "application/json") return;
        send(reply);
        res.end();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(reply));
      return;
    }
    if (url.endsWith("/models")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data: [{ id: "scripted", object: "model" }] }));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: `no route ${req.method} ${url}` } }));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    waitForTurn: (turn) =>
      requests.some((r) => r.turn === turn && r.format !== "other")
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ turn, resolve })),
    setScript: (next) => {
      script = next;
    },
    inFlight: () => inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
