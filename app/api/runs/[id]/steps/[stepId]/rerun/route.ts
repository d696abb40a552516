import { appDb } from "@/lib/app-db";
import { parseOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { readOptionalJsonOrThrow } from "@/lib/runs/http";
import { rerunStepBodySchema } from "@/lib/runs/schemas";
import { rerunStepOrThrow } from "@/lib/runs/service";

export const dynamic = "force-dynamic";
type Params = { id: string; stepId: string };

/** Re-runs a finished step (`{prompt?, profile?}`) and then everything downstream of it. */
export const POST = route<Params>(async (request, { params }) => {
  const { id, stepId } = await params;
  const db = await appDb();
  const body = parseOrThrow(rerunStepBodySchema, await readOptionalJsonOrThrow(request));
  return json(await rerunStepOrThrow(db, id, stepId, body));
});
