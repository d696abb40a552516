import { appDb } from "@/lib/app-db";
import { parseQueryOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { listRunsQuerySchema } from "@/lib/runs/schemas";
import { listRuns } from "@/lib/runs/service";

export const dynamic = "force-dynamic";

/** `?flow=&status=&limit=&cursor=` → `{runs, nextCursor}`, newest first. */
export const GET = route(async (request) => {
  const db = await appDb();
  return json(await listRuns(db.orm, parseQueryOrThrow(request, listRunsQuerySchema)));
});
