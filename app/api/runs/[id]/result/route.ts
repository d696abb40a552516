import { appDb } from "@/lib/app-db";
import { json, route } from "@/lib/http/route";
import { computeRunResultOrThrow } from "@/lib/results/run-result";

export const dynamic = "force-dynamic";
type Params = { id: string };

/** The run's result: final commit, combined diff against the base, what a merge would do. */
export const GET = route<Params>(async (_request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  return json((await computeRunResultOrThrow(db.orm, id)).result);
});
