import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { HttpError } from "../http/errors";
import { formatComment, formatMessage, formatRetry, lastEventIdOrThrow } from "./format";
import { SseParser } from "./parse-stream";

describe("SSE format", () => {
  it("writes id, event and one data line per line, ending with a blank line", () => {
    expect(formatMessage({ id: 7, event: "text-chunk", data: '{"a":1}' })).toBe('id: 7\nevent: text-chunk\ndata: {"a":1}\n\n');
    expect(formatMessage({ data: "a\nb" })).toBe("data: a\ndata: b\n\n");
    expect(formatComment("heart\nbeat")).toBe(": heart beat\n\n");
    expect(formatRetry(2000)).toBe("retry: 2000\n\n");
    expect(() => formatMessage({ event: "x\ny", data: "" })).toThrow(/newline/);
  });

  it("round-trips through the EventSource parsing algorithm whatever the chunking (property)", () => {
    const message = fc.record({
      id: fc.nat(),
      event: fc.stringMatching(/^[a-z-]{1,12}$/),
      data: fc.string({ maxLength: 40 }).map((s) => JSON.stringify({ text: s })),
    });
    fc.assert(
      fc.property(fc.array(message, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (messages, cuts) => {
        const wire = formatRetry(2000) + formatComment("connected") + messages.map((m) => formatMessage(m)).join("");
        const parser = new SseParser();
        const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
        const parsed = [];
        let at = 0;
        for (const point of [...points, wire.length]) {
          parsed.push(...parser.push(wire.slice(at, point)));
          at = point;
        }
        expect(parsed).toEqual(messages.map((m) => ({ id: String(m.id), event: m.event, data: m.data })));
        expect(parser.retry).toBe(2000);
      }),
    );
  });

  it("reads Last-Event-ID from the header first, then the query; rejects garbage with a 400", () => {
    expect(lastEventIdOrThrow("12", "5")).toBe(12);
    expect(lastEventIdOrThrow(null, "5")).toBe(5);
    expect(lastEventIdOrThrow(null, null)).toBeNull();
    expect(lastEventIdOrThrow("", null)).toBeNull();
    expect(() => lastEventIdOrThrow("-1", null)).toThrow(HttpError);
    expect(() => lastEventIdOrThrow(null, "abc")).toThrow(/lastEventId/);
  });
});
