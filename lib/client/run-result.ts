/**
 * Browser-side calls for a run's result (GET /api/runs/:id/result and its actions). Responses
 * are parsed with the same zod contract the server answers with, so a drifted shape fails
 * loudly here instead of rendering nonsense.
 */
import type { z } from "zod";
import { ApiError } from "./flows";
import {
  branchResponseSchema,
  mergeResponseSchema,
  pushResponseSchema,
  runResultSchema,
  type MergeResponse,
  type PushResponse,
  type RunResult,
} from "../results/schemas";

export const resultPath = (runId: string) => `/api/runs/${encodeURIComponent(runId)}/result`;

async function call<T>(path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
  const response = await fetch(path, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed ?? {}) as { error?: string; code?: string };
    throw new ApiError(response.status, error.code ?? "http_error", error.error ?? `HTTP ${response.status}`);
  }
  const checked = schema.safeParse(parsed);
  if (!checked.success) throw new ApiError(500, "bad_response", `unexpected answer from ${path}: ${checked.error.issues[0]?.message ?? "invalid"}`);
  return checked.data;
}

export const getRunResult = (runId: string): Promise<RunResult> => call(resultPath(runId), runResultSchema);
export const createResultBranch = (runId: string, name: string) => call(`${resultPath(runId)}/branch`, branchResponseSchema, { name });
export const mergeResult = (runId: string, into?: string): Promise<MergeResponse> =>
  call(`${resultPath(runId)}/merge`, mergeResponseSchema, into ? { into } : {});
export const pushResult = (runId: string, remote: string, branch: string): Promise<PushResponse> =>
  call(`${resultPath(runId)}/push`, pushResponseSchema, { remote, branch });
export const patchUrl = (runId: string) => `${resultPath(runId)}/patch`;
