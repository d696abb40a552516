import { describe, expect, it } from "vitest";
import { HttpError } from "./errors";
import { NDJSON_TYPE, ndjsonResponse } from "./ndjson";

const lines = async (response: Response) =>
  (await response.text())
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("ndjsonResponse", () => {
  it("streams progress lines, then the result", async () => {
    const response = ndjsonResponse(new AbortController().signal, async (progress) => {
      progress({ type: "asking", attempt: 1 });
      progress({ type: "checked", attempt: 1, problems: [] });
      return { valid: true };
    });
    expect(response.headers.get("content-type")).toBe(NDJSON_TYPE);
    expect(await lines(response)).toEqual([
      { type: "progress", progress: { type: "asking", attempt: 1 } },
      { type: "progress", progress: { type: "checked", attempt: 1, problems: [] } },
      { type: "result", result: { valid: true } },
    ]);
  });

  it("ends with the error body a status would have carried: the refusal as is, anything else as a request id", async () => {
    const refused = ndjsonResponse(new AbortController().signal, async () => {
      throw new HttpError("conflict", "the drafting agent (p) failed: HTTP 401");
    });
    expect(await lines(refused)).toEqual([{ type: "error", error: "the drafting agent (p) failed: HTTP 401", code: "conflict", issues: [] }]);
    const crashed = ndjsonResponse(new AbortController().signal, async () => {
      throw new Error("secret detail");
    });
    const [last] = await lines(crashed);
    expect(last).toMatchObject({ type: "error", error: "internal error", code: "internal" });
    expect(JSON.stringify(last)).not.toContain("secret detail");
  });

  it("aborts the work when the client cancels the stream", async () => {
    let seen: AbortSignal | null = null;
    const response = ndjsonResponse(new AbortController().signal, (progress, signal) => {
      seen = signal;
      progress({ started: true });
      return new Promise((resolve) => signal.addEventListener("abort", () => resolve(null)));
    });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(seen!.aborted).toBe(true);
  });
});
