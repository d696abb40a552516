import { appDb } from "@/lib/app-db";
import { parseOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { mergeResultOrThrow } from "@/lib/results/result-actions";
import { mergeBodySchema } from "@/lib/results/schemas";
import { readOptionalJsonOrThrow } from "@/lib/runs/http";

export const dynamic = "force-dynamic";
type Params = { id: string };

/** `{into?}`: merges the result into the base branch (fast-forward or a merge commit); 409 with conflicting or dirty paths. */
export const POST = route<Params>(async (request, { params }) => {
  const { id } = await params;
  const body = parseOrThrow(mergeBodySchema, await readOptionalJsonOrThrow(request));
  const db = await appDb();
  return json(await mergeResultOrThrow(db.orm, id, body));
});
