/**
 * Bodies that may arrive as JSON (API clients) or as an HTML form post (the login page works
 * without client JavaScript). Same streaming size limit as readJsonOrThrow.
 */
import { HttpError } from "./errors";
import { DEFAULT_BODY_LIMIT, readJsonOrThrow, readLimitedTextOrThrow, refuseUnstorableOrThrow } from "./body";

export type BodyKind = "json" | "form";

export function bodyKindOf(request: Request): BodyKind {
  const type = request.headers.get("content-type") ?? "";
  return /^application\/x-www-form-urlencoded\b/i.test(type) ? "form" : "json";
}

/** A form body as a plain object of its (last-wins) fields. */
export async function readFormOrThrow(request: Request, limit = DEFAULT_BODY_LIMIT): Promise<Record<string, string>> {
  const fields = Object.fromEntries(new URLSearchParams(await readLimitedTextOrThrow(request, limit)).entries());
  refuseUnstorableOrThrow(fields, "body");
  return fields;
}

/** JSON or form, judged by Content-Type; anything else is refused by readJsonOrThrow (415). */
export async function readJsonOrFormOrThrow(
  request: Request,
  limit = DEFAULT_BODY_LIMIT,
): Promise<{ kind: BodyKind; body: unknown }> {
  const kind = bodyKindOf(request);
  return { kind, body: kind === "form" ? await readFormOrThrow(request, limit) : await readJsonOrThrow(request, limit) };
}
