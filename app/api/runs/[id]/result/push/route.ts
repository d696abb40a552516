import { appDb } from "@/lib/app-db";
import { readBodyOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { pushResultOrThrow } from "@/lib/results/result-actions";
import { pushBodySchema } from "@/lib/results/schemas";

export const dynamic = "force-dynamic";
type Params = { id: string };

/** `{remote?, branch}`: pushes the result commit to a branch of a configured remote; says where to open a PR. */
export const POST = route<Params>(async (request, { params }) => {
  const { id } = await params;
  const body = await readBodyOrThrow(request, pushBodySchema);
  const db = await appDb();
  return json(await pushResultOrThrow(db.orm, id, body));
});
