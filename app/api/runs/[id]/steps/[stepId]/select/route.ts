import { appDb } from "@/lib/app-db";
import { parseOrThrow, readJsonOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { selectBodySchema } from "@/lib/runs/schemas";
import { selectWinnerOrThrow } from "@/lib/runs/service";

export const dynamic = "force-dynamic";
type Params = { id: string; stepId: string };

/** Picks a waiting manual arena's winner: `{winner}` = a contestant key or index. */
export const POST = route<Params>(async (request, { params }) => {
  const { id, stepId } = await params;
  const db = await appDb();
  const { winner } = parseOrThrow(selectBodySchema, await readJsonOrThrow(request));
  return json(await selectWinnerOrThrow(db, id, stepId, winner));
});
