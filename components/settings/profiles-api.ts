/** Browser-side calls to /api/profiles, and the shapes they return. */
import { apiRequest } from "@/lib/client/api";

export type AvailabilityLevel = "installed" | "started" | "authenticated";

export interface AvailabilityDto {
  available: boolean;
  reason: string;
  checkedAt: string;
  /** What was checked: the program is there / it answered initialize / it opened a session. */
  checked?: AvailabilityLevel;
  ms?: number;
}

export interface ProfileDto {
  id: string;
  backend: "acp" | "command" | "openai" | "demo";
  label: string;
  enabled: boolean;
  config: Record<string, unknown>;
  builtIn: boolean;
  availability: AvailabilityDto | null;
  /** Each `$VAR` the config refers to and whether Baton's environment sets it. */
  keys: Array<{ name: string; set: boolean }>;
  updatedAt: string;
}

export const profileKeys = {
  all: ["profiles"] as const,
  presets: ["presets"] as const,
  list: () => ["profiles", "list"] as const,
  availability: (id: string) => ["profiles", "availability", id] as const,
};

const call = <T>(url: string, init?: RequestInit) => apiRequest<T>(url, init);

export async function listProfiles(): Promise<ProfileDto[]> {
  return (await call<{ profiles: ProfileDto[] }>("/api/profiles")).profiles;
}

export function profileAvailability(id: string, refresh = false, level: AvailabilityLevel = "installed"): Promise<AvailabilityDto> {
  const query = new URLSearchParams({ level, ...(refresh ? { refresh: "1" } : {}) });
  return call(`/api/profiles/${encodeURIComponent(id)}/availability?${query}`);
}

export interface PresetFieldDto {
  key: string;
  label: string;
  kind: "binary" | "text" | "url" | "envRef";
  default?: string;
  placeholder?: string;
  hint?: string;
  required: boolean;
}

export interface PresetDto {
  id: string;
  name: string;
  summary: string;
  install: string;
  backend: "acp" | "openai";
  fields: PresetFieldDto[];
  profile: { id: string; label: string; config: Record<string, unknown> };
  notes?: string;
  /** Binary fields' defaults as found on Baton's PATH (null: not found). */
  found: Record<string, string | null>;
}

export async function listPresets(): Promise<PresetDto[]> {
  return (await call<{ presets: PresetDto[] }>("/api/presets")).presets;
}

export function createProfile(body: { id: string; backend: string; label: string; enabled: boolean; config: Record<string, unknown> }): Promise<ProfileDto> {
  return call("/api/profiles", { method: "POST", body: JSON.stringify(body) });
}

export function updateProfile(id: string, body: { backend?: string; label?: string; enabled?: boolean; config?: Record<string, unknown> }): Promise<ProfileDto> {
  return call(`/api/profiles/${encodeURIComponent(id)}`, { method: "PUT", body: JSON.stringify(body) });
}

export function deleteProfile(id: string): Promise<void> {
  return call(`/api/profiles/${encodeURIComponent(id)}`, { method: "DELETE" });
}
