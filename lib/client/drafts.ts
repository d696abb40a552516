/**
 * "Draft with an agent" from the browser: POST /api/flows/draft with its progress streamed
 * (lib/http/ndjson.ts). Each progress line goes to `onProgress` as it arrives; the promise
 * resolves with the result line, or rejects with an ApiError (a refused request, the agent's
 * failure, a stream that ended without a result).
 */
import type { ValidationIssue } from "../flow/validate";
import { ApiError, apiErrorOf } from "./api";

export interface DraftRequestBody {
  profile: string;
  task: string;
  repo?: string;
  maxAttempts?: number;
}

/** Mirrors lib/drafts/draft-loop.ts DraftProgress. */
export type DraftProgressDto =
  | { type: "asking"; attempt: number; maxAttempts: number }
  | { type: "checked"; attempt: number; maxAttempts: number; problems: string[] };

/** Mirrors lib/drafts/draft-loop.ts DraftResult (+ the profile that drafted it). */
export interface DraftResultDto {
  /** The last draft that parsed as JSON (valid or not), or null if none did. */
  document: unknown | null;
  valid: boolean;
  issues: ValidationIssue[];
  summary: string;
  attempts: Array<{ problems: string[] }>;
  profile: string;
}

type Line = { type: "progress"; progress: DraftProgressDto } | { type: "result"; result: DraftResultDto } | { type: "error"; error?: string; code?: string; issues?: ValidationIssue[] };

export async function draftWithAgent(body: DraftRequestBody, options: { signal: AbortSignal; onProgress(progress: DraftProgressDto): void }): Promise<DraftResultDto> {
  const response = await fetch("/api/flows/draft?progress=ndjson", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: options.signal,
  });
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
      const line = JSON.parse(buffered.slice(0, newline)) as Line;
      buffered = buffered.slice(newline + 1);
      if (line.type === "progress") options.onProgress(line.progress);
      else if (line.type === "result") return line.result;
      // The status an error would have had is gone (streaming had begun): 409 is "the request
      // was fine, the work failed", as the plain endpoint answers an agent's failure.
      else throw apiErrorOf(line.code === "internal" ? 500 : 409, line);
    }
    if (done) throw new ApiError(502, "bad_response", "the draft request ended without a result (was the server restarted?)");
  }
}
