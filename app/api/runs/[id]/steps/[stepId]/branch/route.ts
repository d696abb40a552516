import { appDb } from "@/lib/app-db";
import { parseOrThrow, readJsonOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { checkoutStepBranchOrThrow } from "@/lib/runs/checkout-branch";
import { checkoutBranchBodySchema } from "@/lib/runs/schemas";

export const dynamic = "force-dynamic";
type Params = { id: string; stepId: string };

/**
 * "Check out as a branch": `{name, attempt?}` creates branch `name` in the run's repository at
 * the attempt's result commit (default: the current attempt). 201 `{branch, commit, repo}`;
 * 400 naming `name` for a name git refuses; 409 if the branch exists or there is no result.
 */
export const POST = route<Params>(async (request, { params }) => {
  const { id, stepId } = await params;
  const db = await appDb();
  const body = parseOrThrow(checkoutBranchBodySchema, await readJsonOrThrow(request));
  return json(await checkoutStepBranchOrThrow(db.orm, id, stepId, body), { status: 201 });
});
