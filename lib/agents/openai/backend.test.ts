/** The openai backend against a scripted fake OpenAI-compatible server on 127.0.0.1. */
import { afterEach, describe, expect, test } from "vitest";
import { deltaChunk, startFakeOpenai, type FakeOpenai, type FakeOpenaiScript } from "../testing/fake-openai-server";
import { recordedTask, waitForEvent } from "../testing/task";
import { AgentError } from "../types";
import { chatRequestBody, modelIds, openaiBackend } from "./backend";
import { openaiConfigSchema } from "./config";

let server: FakeOpenai | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function serve(script: FakeOpenaiScript): Promise<FakeOpenai> {
  server = await startFakeOpenai(script);
  return server;
}

async function expectAgentError(run: Promise<unknown>): Promise<AgentError> {
  const error = await run.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AgentError);
  return error as AgentError;
}

const USAGE_CHUNK = { object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } };

describe("openai backend", () => {
  test("streams text deltas, reports usage and maps the finish reason", async () => {
    const s = await serve({ chat: { kind: "stream", events: [deltaChunk(""), deltaChunk("Hel"), deltaChunk("lo"), deltaChunk("", "length"), USAGE_CHUNK] } });
    const r = recordedTask({
      cwd: null,
      prompt: "say hello",
      env: { BATON_TEST_KEY: "sk-test-secret-123456" },
      options: { baseURL: s.baseURL, model: "fake-model", apiKey: "$BATON_TEST_KEY", systemPrompt: "be brief", temperature: 0 },
    });
    const result = await openaiBackend.run(r.task);
    expect(result).toEqual({ output: "Hello", stopReason: "max_tokens", usage: { inputTokens: 12, outputTokens: 5, totalTokens: 17 } });
    expect(r.events).toEqual([
      { type: "text-chunk", text: "Hel" },
      { type: "text-chunk", text: "lo" },
      { type: "usage-report", usage: { inputTokens: 12, outputTokens: 5, totalTokens: 17 } },
    ]);
    const request = s.requests[0];
    expect(request.headers.authorization).toBe("Bearer sk-test-secret-123456");
    expect(request.body).toEqual({
      model: "fake-model",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "say hello" },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
    });
  });

  test("the task's model overrides the profile's", () => {
    const config = openaiConfigSchema.parse({ baseURL: "http://127.0.0.1:1/v1", model: "a" });
    expect(chatRequestBody(config, "p", "b").model).toBe("b");
    expect(chatRequestBody(config, "p").model).toBe("a");
  });

  test("handles raw framing: split events, CRLF, keep-alive comments", async () => {
    const body = `: ping\r\n\r\ndata: ${JSON.stringify(deltaChunk("a"))}\r\n\r\nda`;
    const s = await serve({ chat: { kind: "raw", chunks: [body, `ta: ${JSON.stringify(deltaChunk("b", "stop"))}\r\n\r\n`, "data: [DONE]\r\n\r\n"] } });
    const result = await openaiBackend.run(recordedTask({ cwd: null, options: { baseURL: s.baseURL, model: "m" } }).task);
    expect(result).toEqual({ output: "ab", stopReason: "end_turn", usage: {} });
  });

  test("HTTP errors name the status and the server's message", async () => {
    const s = await serve({ chat: { kind: "status", status: 404, body: JSON.stringify({ error: { message: 'model "nope" not found, try pulling it first' } }) } });
    const error = await expectAgentError(openaiBackend.run(recordedTask({ cwd: null, options: { baseURL: s.baseURL, model: "nope" } }).task));
    expect(error.code).toBe("http");
    expect(error.message).toBe(`HTTP 404 from ${s.baseURL}/chat/completions: model "nope" not found, try pulling it first`);
    expect(error.detail.status).toBe(404);

    await s.close();
    const s5 = await serve({ chat: { kind: "status", status: 503, body: "upstream overloaded", contentType: "text/plain" } });
    const e5 = await expectAgentError(openaiBackend.run(recordedTask({ cwd: null, options: { baseURL: s5.baseURL, model: "m" } }).task));
    expect(e5.message).toBe(`HTTP 503 from ${s5.baseURL}/chat/completions: upstream overloaded`);
  });

  test("a stream that ends without [DONE] fails", async () => {
    const s = await serve({ chat: { kind: "stream", events: [deltaChunk("partial")], done: false } });
    const r = recordedTask({ cwd: null, options: { baseURL: s.baseURL, model: "m" } });
    const error = await expectAgentError(openaiBackend.run(r.task));
    expect(error.code).toBe("protocol");
    expect(error.message).toContain("ended without [DONE]");
    expect(r.text()).toBe("partial");
  });

  test("a malformed chunk fails with the chunk named", async () => {
    const s = await serve({ chat: { kind: "stream", events: [deltaChunk("ok"), "{oops"] } });
    const error = await expectAgentError(openaiBackend.run(recordedTask({ cwd: null, options: { baseURL: s.baseURL, model: "m" } }).task));
    expect(error.code).toBe("protocol");
    expect(error.message).toContain("chunk is not JSON: {oops");
  });

  test("an error object mid-stream fails the task", async () => {
    const s = await serve({ chat: { kind: "stream", events: [{ error: { message: "out of memory" } }] } });
    const error = await expectAgentError(openaiBackend.run(recordedTask({ cwd: null, options: { baseURL: s.baseURL, model: "m" } }).task));
    expect(error.message).toContain("out of memory");
  });

  test("abort mid-stream ends with cancelled and closes the connection", async () => {
    const s = await serve({ chat: { kind: "stream", events: [deltaChunk("first")], hangAfter: true } });
    const r = recordedTask({ cwd: null, options: { baseURL: s.baseURL, model: "m" } });
    const running = openaiBackend.run(r.task);
    await waitForEvent(r, (e) => e.type === "text-chunk");
    r.controller.abort();
    expect(await running).toEqual({ output: "first", stopReason: "cancelled", usage: {} });
    await s.clientGone();
  });

  test("timeout on a slow stream fails with timeout", async () => {
    const s = await serve({ chat: { kind: "stream", events: [deltaChunk("slow")], hangAfter: true } });
    const error = await expectAgentError(openaiBackend.run(recordedTask({ cwd: null, timeoutMs: 300, options: { baseURL: s.baseURL, model: "m" } }).task));
    expect(error.code).toBe("timeout");
  });

  test("an unset key variable fails before any request, without leaking anything", async () => {
    const s = await serve({ chat: { kind: "stream", events: [] } });
    const error = await expectAgentError(
      openaiBackend.run(recordedTask({ cwd: null, options: { baseURL: s.baseURL, model: "m", apiKey: "$BATON_DEFINITELY_UNSET_KEY" } }).task),
    );
    expect(error.code).toBe("unavailable");
    expect(error.message).toBe("$BATON_DEFINITELY_UNSET_KEY is not set in Baton's environment");
    expect(s.requests).toHaveLength(0);
  });

  test("a literal key in the config is refused", async () => {
    const error = await expectAgentError(openaiBackend.run(recordedTask({ cwd: null, options: { baseURL: "http://127.0.0.1:1/v1", model: "m", apiKey: "sk-live-abc" } }).task));
    expect(error.code).toBe("invalid");
    expect(error.message).toContain("apiKey");
    expect(error.message).not.toContain("sk-live-abc");
  });

  test("connection refused is an http error naming the URL", async () => {
    const s = await serve({});
    const baseURL = s.baseURL;
    await s.close();
    const error = await expectAgentError(openaiBackend.run(recordedTask({ cwd: null, options: { baseURL, model: "m" } }).task));
    expect(error.code).toBe("http");
    expect(error.message).toContain(`request to ${baseURL}/chat/completions failed`);
  });
});

describe("openai availability", () => {
  test("available when /models lists the model (Ollama ':latest' tags included)", async () => {
    const s = await serve({ models: { status: 200, body: { object: "list", data: [{ id: "qwen2.5-coder:latest" }, { id: "llama3" }] } } });
    expect(await openaiBackend.availability({ baseURL: s.baseURL, model: "qwen2.5-coder" })).toEqual({
      available: true,
      reason: `qwen2.5-coder is served at ${s.baseURL}`,
    });
    expect(await openaiBackend.availability({ baseURL: s.baseURL, model: "mistral" })).toEqual({
      available: false,
      reason: `${s.baseURL} answers but doesn't list mistral (has qwen2.5-coder:latest, llama3)`,
    });
  });

  test("unavailable on HTTP errors, timeouts and refused connections", async () => {
    const s = await serve({ models: { status: 401, body: { error: "no key" } } });
    expect((await openaiBackend.availability({ baseURL: s.baseURL, model: "m" })).reason).toBe(`GET ${s.baseURL}/models answered HTTP 401`);
    await s.close();
    const hang = await serve({ models: { hang: true } });
    expect((await openaiBackend.availability({ baseURL: hang.baseURL, model: "m", availabilityTimeoutMs: 300 })).reason).toContain("no answer within 300 ms");
    const baseURL = hang.baseURL;
    await hang.close();
    server = null;
    const refused = await openaiBackend.availability({ baseURL, model: "m" });
    expect(refused.available).toBe(false);
    expect(refused.reason).toContain("ECONNREFUSED");
  });

  test("modelIds reads OpenAI and Ollama-native shapes", () => {
    expect(modelIds({ data: [{ id: "a" }, { id: "b" }] })).toEqual(["a", "b"]);
    expect(modelIds({ models: [{ name: "c" }] })).toEqual(["c"]);
    expect(modelIds("nope")).toBeNull();
  });
});
