/** Request helpers for the Run API's routes. */
import { readJsonOrThrow } from "../http/body";

/** Action routes accept an absent or empty body as `{}`; anything present must be JSON. */
export async function readOptionalJsonOrThrow(request: Request): Promise<unknown> {
  if (!request.body || request.headers.get("content-length") === "0") return {};
  const text = await request.clone().text();
  if (text.trim() === "") return {};
  return readJsonOrThrow(request);
}
