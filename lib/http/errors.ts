/**
 * One error type for everything a route can answer with a 4xx. Anything else that escapes a
 * handler is logged server-side and answered with a generic 500 carrying a request id:
 * no stack traces or SQL errors reach the client.
 */
import { GitError } from "../git/errors";

export type ErrorCode =
  | "bad_request"
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
};

export interface Issue {
  path: string;
  message: string;
  nodeId?: string;
}

export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
    this.name = "HttpError";
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export const notFound = (what: string) => new HttpError("not_found", `${what} not found`);

/**
 * A GitError caused by a value the request passed (its `field`: repo, baseRef) as the 400
 * naming that field; any other error as it is.
 */
export function requestErrorOfGit(error: unknown): unknown {
  if (!(error instanceof GitError) || !error.field) return error;
  return new HttpError("validation_failed", `invalid body: ${error.message}`, [{ path: error.field, message: error.message }]);
}
