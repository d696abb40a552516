/**
 * Bodies that may arrive as JSON (API clients) or as an HTML form post (the login page works
 * without client JavaScript). Same streaming size limit as readJsonOrThrow.
 */
import { HttpError } from "./errors";
import { DEFAULT_BODY_LIMIT, readJsonOrThrow } from "./body";

export type BodyKind = "json" | "form";

export function bodyKindOf(request: Request): BodyKind {
  const type = request.headers.get("content-type") ?? "";
  return /^application\/x-www-form-urlencoded\b/i.test(type) ? "form" : "json";
}

async function readLimitedTextOrThrow(request: Request, limit: number): Promise<string> {
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

/** A form body as a plain object of its (last-wins) fields. */
export async function readFormOrThrow(request: Request, limit = DEFAULT_BODY_LIMIT): Promise<Record<string, string>> {
  return Object.fromEntries(new URLSearchParams(await readLimitedTextOrThrow(request, limit)).entries());
}

/** JSON or form, judged by Content-Type; anything else is refused by readJsonOrThrow (415). */
export async function readJsonOrFormOrThrow(
  request: Request,
  limit = DEFAULT_BODY_LIMIT,
): Promise<{ kind: BodyKind; body: unknown }> {
  const kind = bodyKindOf(request);
  return { kind, body: kind === "form" ? await readFormOrThrow(request, limit) : await readJsonOrThrow(request, limit) };
}
