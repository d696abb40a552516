/**
 * Request bodies: size-limited, JSON only, validated with zod. The limit is enforced while
 * streaming, so a lying or absent Content-Length can't make us buffer more than the limit.
 * Every value that enters is first checked for what no field may hold (json-guard.ts).
 */
import type { z } from "zod";
import { HttpError, type Issue } from "./errors";
import { jsonProblem } from "./json-guard";
import { zodPath } from "../flow/validate";

export const DEFAULT_BODY_LIMIT = 2 * 1024 * 1024;

export async function readJsonOrThrow(request: Request, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new HttpError("unsupported_media_type", `Content-Type must be application/json (got ${type})`);
  }
  if (!request.body) throw new HttpError("bad_request", "request body is required");
  const text = await readLimitedTextOrThrow(request, limit);
  if (text.trim() === "") throw new HttpError("bad_request", "request body is empty");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError("bad_request", `body is not valid JSON: ${(error as Error).message}`);
  }
  refuseUnstorableOrThrow(value, "body");
  return value;
}

/**
 * A 400 naming the field when `value` holds a NUL, a lone surrogate or absurd nesting
 * (json-guard.ts). `what` is "body", "path" (route params) or "query".
 */
export function refuseUnstorableOrThrow(value: unknown, what: string): void {
  const problem = jsonProblem(value);
  if (problem) throw new HttpError("validation_failed", `invalid ${what}: ${problem.path}: ${problem.message}`, [problem]);
}

/** The body as text; empty when there is none. Over `limit` bytes → 413 (checked while streaming). */
export async function readLimitedTextOrThrow(request: Request, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) {
    throw new HttpError("payload_too_large", `body is ${declared} bytes; the limit is ${limit}`);
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new HttpError("payload_too_large", `body exceeds the limit of ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function zodIssuesOf(error: z.ZodError, base = ""): Issue[] {
  return error.issues.map((issue) => ({ path: zodPath(base, issue.path) || "(root)", message: issue.message }));
}

/** `what` names the thing in the message; a scalar (a route param) also uses it as the path. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what = "body"): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const scalar = value === null || typeof value !== "object";
    const issues = zodIssuesOf(result.error, scalar && what !== "body" ? what : "");
    throw new HttpError(
      "validation_failed",
      `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      issues,
    );
  }
  return result.data;
}

export async function readBodyOrThrow<T>(request: Request, schema: z.ZodType<T>, limit?: number): Promise<T> {
  return parseOrThrow(schema, await readJsonOrThrow(request, limit));
}

/** Query-string parameters as a plain object, validated. */
export function parseQueryOrThrow<T>(request: Request, schema: z.ZodType<T>): T {
  const params = Object.fromEntries(new URL(request.url).searchParams.entries());
  return parseOrThrow(schema, params, "query");
}
