/**
 * Browser-side calls to the flows API, through the one fetch client (api.ts): errors come
 * back as ApiError carrying the server's code and issues.
 */
import type { FlowDocument } from "../flow/document";
import type { ValidationIssue } from "../flow/validate";
import type { FieldDraft } from "../editor/field-drafts";
import { apiRequest as request } from "./api";

export { ApiError } from "./api";

export interface FlowSummaryDto {
  id: string;
  name: string;
  description: string;
  latestVersion: number;
  nodeCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface FlowDraftDto {
  /** Possibly invalid: see `issues`. */
  document: FlowDocument;
  fields: FieldDraft[];
  baseVersion: number;
  issues: ValidationIssue[];
  updatedAt: string;
}

export interface FlowDetailDto {
  id: string;
  name: string;
  description: string;
  latestVersion: number;
  version: number;
  document: FlowDocument;
  /** Work saved while the flow had problems; runs use `version`, never this. */
  draft: FlowDraftDto | null;
  createdAt: string;
  updatedAt: string;
}

export interface VersionSummaryDto {
  version: number;
  message: string;
  createdAt: string;
  nodeCount: number;
}

export interface VersionDetailDto {
  version: number;
  document: FlowDocument;
  message: string;
  createdAt: string;
}

export interface ProfileDto {
  id: string;
  backend: string;
  label: string;
  enabled: boolean;
}

/** A profile with its "installed" check (nothing started) and whether its key variables are set. */
export interface CheckedProfileDto extends ProfileDto {
  availability: { available: boolean; reason: string; checked?: string } | null;
  keys: Array<{ name: string; set: boolean }>;
}

/**
 * Pure: why a profile can't run now, as a picker shows it ("not installed", "key not set:
 * $X", "disabled", "unreachable"), or null when it can — the same conditions a run's start
 * checks (lib/runs/profile-check.ts).
 */
export function profileUnavailability(profile: CheckedProfileDto): string | null {
  if (!profile.enabled) return "disabled";
  const missing = profile.keys.filter((k) => !k.set).map((k) => `$${k.name}`);
  if (missing.length > 0) return `key not set: ${missing.join(", ")}`;
  if (profile.availability && !profile.availability.available) return profile.backend === "openai" ? "unreachable" : "not installed";
  return null;
}

export const flowKeys = {
  all: ["flows"] as const,
  list: () => ["flows", "list"] as const,
  detail: (id: string) => ["flows", "detail", id] as const,
  versions: (id: string) => ["flows", "versions", id] as const,
  version: (id: string, n: number) => ["flows", "version", id, n] as const,
  profiles: ["profiles"] as const,
  checkedProfiles: ["profiles", "checked"] as const,
};

export const listFlows = () => request<{ flows: FlowSummaryDto[] }>("/api/flows").then((r) => r.flows);
export const getFlow = (id: string) => request<FlowDetailDto>(`/api/flows/${encodeURIComponent(id)}`);
export const createFlow = (doc: unknown) =>
  request<FlowDetailDto>("/api/flows", { method: "POST", body: JSON.stringify(doc) });
export const saveFlow = (id: string, body: { document: FlowDocument; baseVersion: number; message?: string }) =>
  request<FlowDetailDto>(`/api/flows/${encodeURIComponent(id)}`, { method: "PUT", body: JSON.stringify(body) });
export const saveDraft = (id: string, body: { document: FlowDocument; baseVersion: number; fields: FieldDraft[] }) =>
  request<FlowDraftDto>(`/api/flows/${encodeURIComponent(id)}/draft`, { method: "PUT", body: JSON.stringify(body) });
export const deleteDraft = (id: string) => request<void>(`/api/flows/${encodeURIComponent(id)}/draft`, { method: "DELETE" });
export const renameFlow = (id: string, name: string) =>
  request<FlowDetailDto>(`/api/flows/${encodeURIComponent(id)}`, { method: "PATCH", body: JSON.stringify({ name }) });
export const deleteFlow = (id: string) => request<void>(`/api/flows/${encodeURIComponent(id)}`, { method: "DELETE" });
export const listVersions = (id: string) =>
  request<{ versions: VersionSummaryDto[] }>(`/api/flows/${encodeURIComponent(id)}/versions`).then((r) => r.versions);
export const getVersion = (id: string, n: number) =>
  request<VersionDetailDto>(`/api/flows/${encodeURIComponent(id)}/versions/${n}`);
export const listProfiles = () => request<{ profiles: ProfileDto[] }>("/api/profiles").then((r) => r.profiles);
/** Profiles with a fresh "installed" check each (nothing is started; an endpoint is asked for its models). */
export const listCheckedProfiles = () =>
  request<{ profiles: CheckedProfileDto[] }>("/api/profiles?availability=wait").then((r) => r.profiles);
