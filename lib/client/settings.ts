/** Browser-side calls for /settings: the retention of runs' refs and worktrees, and their space. */
import { apiRequest, jsonBody } from "./api";

export interface RetentionDto {
  days: number | null;
  source: "setting" | "env" | "default";
  env: string | null;
  defaultDays: number;
}

export interface StorageDto {
  repos: Array<{ repo: string; runs: number; refs: number; bytes: number | null; note: string | null }>;
  worktrees: { runs: number; bytes: number };
  pool: { worktrees: number; bytes: number };
}

export const settingsKeys = { storage: ["settings", "storage"] as const };

export const getStorage = () => apiRequest<{ retention: RetentionDto; storage: StorageDto }>("/api/settings/storage");
/** A whole number of days, "forever", or null to go back to BATON_REF_RETENTION_DAYS / the default. */
export const setRetention = (days: number | "forever" | null) => apiRequest<RetentionDto>("/api/settings/retention", jsonBody("PUT", { days }));
export const applyRetention = () =>
  apiRequest<{ days: number | null; refs: number; runs: string[]; worktreeRuns: string[] }>("/api/settings/retention/apply", { method: "POST" });
