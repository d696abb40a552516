/**
 * Wraps a route handler: refuses route params and query strings no field may hold (a NUL, a
 * lone surrogate: json-guard.ts) before the handler runs, turns HttpError into its status
 * with `{error, issues}`, a GitError about a value the request passed (its `field`: repo,
 * baseRef) into a 400 naming that field, and any other throw into a 500 with a request id (the details go
 * to the server log only).
 */
import crypto from "node:crypto";
import { DataDirInUseError } from "../db/data-dir-lock";
import { refuseUnstorableOrThrow } from "./body";
import { HttpError, requestErrorOfGit } from "./errors";

export type RouteContext<P> = { params: Promise<P> };
type Handler<P> = (request: Request, context: RouteContext<P>) => Promise<Response>;

export function json(data: unknown, init: ResponseInit = {}): Response {
  return Response.json(data, { ...init, headers: { "cache-control": "no-store", ...(init.headers ?? {}) } });
}

export function errorResponse(thrown: unknown): Response {
  const error = requestErrorOfGit(thrown);
  if (error instanceof HttpError) {
    return json({ error: error.message, code: error.code, issues: error.issues }, { status: error.status });
  }
  // Another process holds the embedded database: nothing is wrong with the request, and the
  // message says which process and what to use instead.
  if (error instanceof DataDirInUseError) return json({ error: error.message, code: "unavailable" }, { status: 503 });
  const requestId = crypto.randomUUID();
  console.error(`[baton] request ${requestId} failed:`, error);
  return json({ error: "internal error", code: "internal", requestId }, { status: 500 });
}

export function route<P = Record<string, never>>(handler: Handler<P>): Handler<P> {
  return async (request, context) => {
    try {
      refuseUnstorableOrThrow((await context?.params) ?? {}, "path");
      refuseUnstorableOrThrow(Object.fromEntries(new URL(request.url).searchParams), "query");
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
