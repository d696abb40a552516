import { z } from "zod";
import { appDb } from "@/lib/app-db";
import { HttpError } from "@/lib/http/errors";
import { json, route } from "@/lib/http/route";
import { listWorkers } from "@/lib/dispatch/list-workers";

export const dynamic = "force-dynamic";

const query = z.object({ staleAfterMs: z.coerce.number().int().min(1_000).max(86_400_000).optional() });

/** GET /api/workers[?staleAfterMs=] → live workers, heartbeat age, running steps. */
export const GET = route(async (request) => {
  const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError("bad_request", `invalid query ${issue.path.join(".")}: ${issue.message}`, [
      { path: issue.path.join("."), message: issue.message },
    ]);
  }
  const db = await appDb();
  return json({ workers: await listWorkers(db.orm, parsed.data.staleAfterMs) });
});
