import { appDb } from "@/lib/app-db";
import { dataDir } from "@/lib/db/client";
import { readBodyOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { reviewStepOrThrow } from "@/lib/review/review-actions";
import { reviewBodySchema } from "@/lib/review/schemas";

export const dynamic = "force-dynamic";
type Params = { id: string; stepId: string };

/**
 * `{decision: approve|reject|request-changes, reason?, comments?: [{path, line?, body}], target?}`:
 * answers a waiting approval, or sends review comments back to a code step (it runs again from
 * its result commit, then everything after it).
 */
export const POST = route<Params>(async (request, { params }) => {
  const { id, stepId } = await params;
  const body = await readBodyOrThrow(request, reviewBodySchema);
  const db = await appDb();
  return json(await reviewStepOrThrow(db, id, stepId, body, dataDir()));
});
