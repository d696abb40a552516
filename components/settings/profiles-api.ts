/** Browser-side calls to /api/profiles, and the shapes they return. */

export interface AvailabilityDto {
  available: boolean;
  reason: string;
  checkedAt: string;
}

export interface ProfileDto {
  id: string;
  backend: "acp" | "command" | "openai" | "demo";
  label: string;
  enabled: boolean;
  config: Record<string, unknown>;
  builtIn: boolean;
  availability: AvailabilityDto | null;
  updatedAt: string;
}

export interface IssueDto {
  path: string;
  message: string;
}

export class ProfileApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly issues: IssueDto[],
  ) {
    super(message);
    this.name = "ProfileApiError";
  }
}

export const profileKeys = {
  all: ["profiles"] as const,
  list: () => ["profiles", "list"] as const,
  availability: (id: string) => ["profiles", "availability", id] as const,
};

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { "content-type": "application/json", ...(init?.headers ?? {}) } });
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const record = (body ?? {}) as { error?: string; issues?: IssueDto[] };
    throw new ProfileApiError(record.error ?? `HTTP ${response.status}`, response.status, record.issues ?? []);
  }
  return body as T;
}

export async function listProfiles(): Promise<ProfileDto[]> {
  return (await call<{ profiles: ProfileDto[] }>("/api/profiles")).profiles;
}

export function profileAvailability(id: string, refresh = false): Promise<AvailabilityDto> {
  return call(`/api/profiles/${encodeURIComponent(id)}/availability${refresh ? "?refresh=1" : ""}`);
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
