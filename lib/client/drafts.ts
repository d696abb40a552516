/**
 * "Draft with an agent" from the browser: POST /api/flows/draft with its progress streamed
 * (lib/http/ndjson.ts). Every line is parsed against the wire contract (lib/contract/draft.ts);
 * each progress event goes to `onProgress` as it arrives; the promise resolves with the result
 * line, or rejects with an ApiError (a refused request, the agent's failure, a line that breaks
 * the contract, a stream that ended without a result).
 */
import { parseDraftStreamLineOrThrow, type DraftProgress, type DraftResultDto } from "../contract/draft";
import { ApiError, apiErrorOf } from "./api";

export type { DraftProgress as DraftProgressDto, DraftResultDto };

export interface DraftRequestBody {
  profile: string;
  task: string;
  repo?: string;
  maxAttempts?: number;
}

export async function draftWithAgent(body: DraftRequestBody, options: { signal: AbortSignal; onProgress(progress: DraftProgress): void }): Promise<DraftResultDto> {
  const response = await fetch("/api/flows/draft?progress=ndjson", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: options.signal,
  });
  return readDraftStream(response, options.onProgress);
}

/** Reads a draft request's answer: a plain error status, or the NDJSON stream to its last line. */
export async function readDraftStream(response: Response, onProgress: (progress: DraftProgress) => void): Promise<DraftResultDto> {
  if (!response.ok || !response.body) {
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    throw apiErrorOf(response.status, parsed);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffered += value;
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      let line;
      try {
        line = parseDraftStreamLineOrThrow(text);
      } catch (error) {
        await reader.cancel().catch(() => {});
        throw new ApiError(502, "bad_response", `unexpected line from /api/flows/draft: ${(error as Error).message}`);
      }
      if (line.type === "progress") onProgress(line.progress);
      else if (line.type === "result") return line.result;
      // The status an error would have had is gone (streaming had begun): 409 is "the request
      // was fine, the work failed", as the plain endpoint answers an agent's failure.
      else throw apiErrorOf(line.code === "internal" ? 500 : 409, line);
    }
    if (done) throw new ApiError(502, "bad_response", "the draft request ended without a result (was the server restarted?)");
  }
}
