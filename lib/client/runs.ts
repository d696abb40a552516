/**
 * Browser-side calls to the Run API, and the query keys the run pages cache them under.
 * Errors come back as ApiError (the server's message and code), shown in the UI as-is.
 */
import { ApiError } from "./flows";
import { toRunDetail, toRunSummary } from "./run-mapping";
import type { RunDetail, RunSummary } from "./run-types";

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { ...(init.body ? { "content-type": "application/json" } : {}), ...(init.headers ?? {}) },
  });
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = (body ?? {}) as { error?: string; code?: string };
    throw new ApiError(response.status, error.code ?? "http_error", error.error ?? `HTTP ${response.status}`);
  }
  return body as T;
}

export const runKeys = {
  all: ["runs"] as const,
  list: (filters: RunFilters) => ["runs", "list", filters] as const,
  detail: (id: string) => ["runs", "detail", id] as const,
  live: (id: string) => ["runs", "live", id] as const,
};

export interface RunFilters {
  flowId?: string;
  status?: string;
  /** Keyset cursor of the page (from the previous page's nextCursor); absent = newest. */
  cursor?: string;
  /** Search: words matched against the run's id, flow name and inputs. */
  q?: string;
  pageSize: number;
}

export interface RunPage {
  runs: RunSummary[];
  nextCursor: string | null;
}

export async function listRuns(filters: RunFilters): Promise<RunPage> {
  const params = new URLSearchParams();
  if (filters.flowId) params.set("flow", filters.flowId);
  if (filters.status) params.set("status", filters.status);
  if (filters.cursor) params.set("cursor", filters.cursor);
  if (filters.q) params.set("q", filters.q);
  params.set("limit", String(filters.pageSize));
  const body = await request<{ runs?: unknown[]; nextCursor?: string | null }>(`/api/runs?${params}`);
  return { runs: (body.runs ?? []).map(toRunSummary), nextCursor: typeof body.nextCursor === "string" ? body.nextCursor : null };
}

export const getRun = async (id: string): Promise<RunDetail> =>
  toRunDetail(await request<unknown>(`/api/runs/${encodeURIComponent(id)}`));

const post = (path: string, body: unknown = {}) => request<unknown>(path, { method: "POST", body: JSON.stringify(body) });
const runPath = (id: string) => `/api/runs/${encodeURIComponent(id)}`;
const stepPath = (runId: string, stepId: string) => `${runPath(runId)}/steps/${encodeURIComponent(stepId)}`;

export interface RerunStepChanges {
  prompt?: string;
  profile?: string;
}

export const cancelRun = (id: string) => post(`${runPath(id)}/cancel`);
export const rerunRun = async (id: string, version: "original" | "current" = "original"): Promise<{ id: string }> =>
  runIdOf(await post(`${runPath(id)}/rerun`, { version }));
/** Re-runs a finished step as a new attempt, then everything downstream of it (upstream is reused). */
export const rerunStep = (runId: string, stepId: string, changes: RerunStepChanges = {}) => post(`${stepPath(runId, stepId)}/rerun`, changes);
export const approveStep = (runId: string, stepId: string) => post(`${stepPath(runId, stepId)}/approve`);
export const selectWinner = (runId: string, stepId: string, winner: string) => post(`${stepPath(runId, stepId)}/select`, { winner });

export interface StartRunBody {
  inputs: Record<string, string>;
  repo?: string;
  baseRef?: string;
  version?: number;
}

export const startRun = async (flowId: string, body: StartRunBody): Promise<{ id: string }> =>
  runIdOf(await post(`/api/flows/${encodeURIComponent(flowId)}/runs`, { ...body, origin: "ui" }));

function runIdOf(body: unknown): { id: string } {
  const record = (body ?? {}) as Record<string, unknown>;
  const run = (record.run ?? record) as Record<string, unknown>;
  const id = run.id ?? record.runId;
  if (typeof id !== "string") throw new ApiError(500, "bad_response", "the server did not return the run's id");
  return { id };
}
