/**
 * The browser's one fetch client and its one error type. Every call to Baton's API from the
 * browser goes through `apiRequest`: JSON in and out, and a refusal (any non-2xx) becomes an
 * ApiError carrying the server's code, message and issues (lib/http/errors.ts writes them),
 * so a page shows exactly what was refused and why. With a zod schema the response is parsed
 * against the wire contract (lib/contract) instead of trusted.
 */
import type { z } from "zod";

export interface ApiIssue {
  path: string;
  message: string;
  nodeId?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The ApiError for an error body as lib/http/errors.ts writes it (`{error, code, issues}`). */
export function apiErrorOf(status: number, body: unknown): ApiError {
  const error = (body ?? {}) as { error?: string; code?: string; issues?: ApiIssue[] };
  return new ApiError(status, error.code ?? "http_error", error.error ?? `HTTP ${status}`, error.issues ?? []);
}

export async function apiRequest<T>(path: string, init?: RequestInit): Promise<T>;
export async function apiRequest<S extends z.ZodType>(path: string, init: RequestInit | undefined, schema: S): Promise<z.infer<S>>;
export async function apiRequest(path: string, init: RequestInit = {}, schema?: z.ZodType): Promise<unknown> {
  const response = await fetch(path, {
    ...init,
    headers: { ...(init.body ? { "content-type": "application/json" } : {}), ...(init.headers ?? {}) },
  });
  if (response.status === 204) return undefined;
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) throw apiErrorOf(response.status, body);
  if (!schema) return body;
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError(502, "bad_response", `unexpected response from ${path.split("?")[0]}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** POST/PUT/PATCH with a JSON body. */
export const jsonBody = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body) });
