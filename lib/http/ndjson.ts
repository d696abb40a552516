/**
 * A long request that reports progress: the response is newline-delimited JSON, one object a
 * line — `{type: "progress", progress}` while `work` runs, then exactly one last line, `{type:
 * "result", result}` or `{type: "error", error, code, issues}` (the body an error status would
 * have carried: errorResponse decides it, so a 500 still shows only a request id). The status
 * is 200 once streaming starts; refusals found before (a bad body) stay plain 4xx answers.
 * The client going away (or cancelling the stream) aborts `signal`.
 */
import { errorResponse } from "./route";

export const NDJSON_TYPE = "application/x-ndjson";

export function ndjsonResponse(
  requestSignal: AbortSignal,
  work: (progress: (event: unknown) => void, signal: AbortSignal) => Promise<unknown>,
): Response {
  const cancelled = new AbortController();
  const signal = AbortSignal.any([requestSignal, cancelled.signal]);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      const send = (line: Record<string, unknown>) => {
        if (open && !signal.aborted) controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
      };
      try {
        const result = await work((progress) => send({ type: "progress", progress }), signal);
        send({ type: "result", result });
      } catch (error) {
        send({ type: "error", ...((await errorResponse(error).json()) as Record<string, unknown>) });
      } finally {
        open = false;
        try {
          controller.close();
        } catch {
          // Already cancelled by the client: nothing left to close.
        }
      }
    },
    cancel() {
      cancelled.abort();
    },
  });
  return new Response(stream, { headers: { "content-type": NDJSON_TYPE, "cache-control": "no-store" } });
}
