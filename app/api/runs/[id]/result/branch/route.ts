import { appDb } from "@/lib/app-db";
import { readBodyOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { createResultBranchOrThrow } from "@/lib/results/result-actions";
import { createBranchBodySchema } from "@/lib/results/schemas";

export const dynamic = "force-dynamic";
type Params = { id: string };

/** `{name}`: a new branch in the run's repo at the result commit (an existing one is never moved). */
export const POST = route<Params>(async (request, { params }) => {
  const { id } = await params;
  const body = await readBodyOrThrow(request, createBranchBodySchema);
  const db = await appDb();
  return json(await createResultBranchOrThrow(db.orm, id, body), { status: 201 });
});
