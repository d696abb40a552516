import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { mapFinishReason, MalformedChunkError, parseChatData, SseParser } from "./sse";

/** A stream in the shape Ollama's /v1/chat/completions sends (recorded field layout). */
const OLLAMA_STREAM = [
  'data: {"id":"chatcmpl-417","object":"chat.completion.chunk","created":1732400000,"model":"qwen2.5-coder","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}',
  "",
  'data: {"id":"chatcmpl-417","object":"chat.completion.chunk","created":1732400000,"model":"qwen2.5-coder","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]}',
  "",
  'data: {"id":"chatcmpl-417","object":"chat.completion.chunk","created":1732400000,"model":"qwen2.5-coder","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":" world"},"finish_reason":null}]}',
  "",
  'data: {"id":"chatcmpl-417","object":"chat.completion.chunk","created":1732400000,"model":"qwen2.5-coder","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}',
  "",
  'data: {"id":"chatcmpl-417","object":"chat.completion.chunk","created":1732400000,"model":"qwen2.5-coder","system_fingerprint":"fp_ollama","choices":[],"usage":{"prompt_tokens":31,"completion_tokens":3,"total_tokens":34}}',
  "",
  "data: [DONE]",
  "",
  "",
].join("\n");

describe("SseParser", () => {
  test("parses a recorded stream into messages", () => {
    const messages = new SseParser().push(OLLAMA_STREAM);
    expect(messages).toHaveLength(6);
    expect(messages[5]).toEqual({ data: "[DONE]" });
  });

  test("any split of the bytes yields the same messages", () => {
    const whole = new SseParser().push(OLLAMA_STREAM);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: OLLAMA_STREAM.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const parser = new SseParser();
        const got = [];
        let last = 0;
        for (const p of [...points, OLLAMA_STREAM.length]) {
          got.push(...parser.push(OLLAMA_STREAM.slice(last, p)));
          last = p;
        }
        expect(got).toEqual(whole);
      }),
    );
  });

  test("CRLF and CR line ends, comments, event names, multi-line data", () => {
    const parser = new SseParser();
    expect(parser.push(": keep-alive\r\nevent: delta\r\ndata: a\r\ndata:b\r\n\r\ndata: c\r\r\n")).toEqual([
      { event: "delta", data: "a\nb" },
      { data: "c" },
    ]);
    expect(parser.hasPending()).toBe(false);
    parser.push("data: cut");
    expect(parser.hasPending()).toBe(true);
  });
});

describe("parseChatData", () => {
  test("text deltas, finish reason, usage and [DONE]", () => {
    const [, second, , fourth, fifth, done] = new SseParser().push(OLLAMA_STREAM).map((m) => parseChatData(m.data));
    expect(second).toEqual({ kind: "chunk", text: "Hello", reasoning: "", finishReason: null, usage: null });
    expect(fourth).toMatchObject({ kind: "chunk", text: "", finishReason: "stop" });
    expect(fifth).toEqual({ kind: "chunk", text: "", reasoning: "", finishReason: null, usage: { inputTokens: 31, outputTokens: 3, totalTokens: 34 } });
    expect(done).toEqual({ kind: "done" });
  });

  test("reasoning deltas and mid-stream errors", () => {
    expect(parseChatData('{"choices":[{"index":0,"delta":{"reasoning_content":"hmm"}}]}')).toMatchObject({ reasoning: "hmm" });
    expect(parseChatData('{"error":{"message":"model not found"}}')).toEqual({ kind: "error", message: "model not found" });
  });

  test("malformed chunks throw with the offending text", () => {
    expect(() => parseChatData("{not json")).toThrow(MalformedChunkError);
    expect(() => parseChatData("{not json")).toThrow("chunk is not JSON: {not json");
    expect(() => parseChatData("[1,2]")).toThrow("not an object");
    expect(() => parseChatData('{"object":"chat.completion.chunk"}')).toThrow("no choices array");
  });

  test("finish reasons map to stop reasons", () => {
    expect(mapFinishReason("stop")).toBe("end_turn");
    expect(mapFinishReason("length")).toBe("max_tokens");
    expect(mapFinishReason("content_filter")).toBe("refusal");
    expect(mapFinishReason("tool_calls")).toBe("end_turn");
    expect(mapFinishReason(null)).toBe("end_turn");
  });
});
