/**
 * Browser-side calls to the Run API, and the query keys the run pages cache them under.
 * Responses are parsed against the wire contract (lib/contract/run.ts); errors come back as
 * ApiError (the server's message and code), shown in the UI as-is.
 */
import { runDetailSchema, runPageSchema, type RunPage } from "../contract/run";
import { ApiError, apiRequest } from "./api";
import { toRunView, type RunDetail } from "./run-types";

const request = <T>(path: string, init?: RequestInit) => apiRequest<T>(path, init);

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

export type { RunPage };

export async function listRuns(filters: RunFilters): Promise<RunPage> {
  const params = new URLSearchParams();
  if (filters.flowId) params.set("flow", filters.flowId);
  if (filters.status) params.set("status", filters.status);
  if (filters.cursor) params.set("cursor", filters.cursor);
  if (filters.q) params.set("q", filters.q);
  params.set("limit", String(filters.pageSize));
  return apiRequest(`/api/runs?${params}`, undefined, runPageSchema);
}

export const getRun = async (id: string): Promise<RunDetail> =>
  toRunView(await apiRequest(`/api/runs/${encodeURIComponent(id)}`, undefined, runDetailSchema));
const post = (path: string, body: unknown = {}) => request<unknown>(path, { method: "POST", body: JSON.stringify(body) });
const runPath = (id: string) => `/api/runs/${encodeURIComponent(id)}`;
const stepPath = (runId: string, stepId: string) => `${runPath(runId)}/steps/${encodeURIComponent(stepId)}`;

export interface RerunStepChanges {
  prompt?: string;
  profile?: string;
}

export const cancelRun = (id: string) => post(`${runPath(id)}/cancel`);
export interface DeletedRunRefsDto {
  refs: string[];
  worktrees: string[];
  repoNote: string | null;
}
/** Deletes the run's refs/baton/<run>/* and worktrees; 409 while it runs. */
export const deleteRunRefs = (id: string) => request<DeletedRunRefsDto>(`${runPath(id)}/refs`, { method: "DELETE" });
export const rerunRun = async (id: string, version: "original" | "current" = "original"): Promise<{ id: string }> =>
  runIdOf(await post(`${runPath(id)}/rerun`, { version }));
/** Re-runs a finished step as a new attempt, then everything downstream of it (upstream is reused). */
export const rerunStep = (runId: string, stepId: string, changes: RerunStepChanges = {}) => post(`${stepPath(runId, stepId)}/rerun`, changes);
export const approveStep = (runId: string, stepId: string) => post(`${stepPath(runId, stepId)}/approve`);
export const selectWinner = (runId: string, stepId: string, winner: string) => post(`${stepPath(runId, stepId)}/select`, { winner });
/** Creates branch `name` in the run's repo at an attempt's result commit ("Check out as a branch"). */
export const checkoutBranch = async (runId: string, stepId: string, name: string, attempt: number): Promise<{ branch: string; commit: string; repo: string }> =>
  (await post(`${stepPath(runId, stepId)}/branch`, { name, attempt })) as { branch: string; commit: string; repo: string };

export interface StartRunBody {
  inputs: Record<string, string>;
  repo?: string;
  baseRef?: string;
  worktreePolicy?: "clean" | "keep-ignored";
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
