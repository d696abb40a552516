import { appDb } from "@/lib/app-db";
import { parseOrThrow, parseQueryOrThrow, readJsonOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { listRunsQuerySchema, startRunBodySchema } from "@/lib/runs/schemas";
import { listRuns, startRunOrThrow } from "@/lib/runs/service";

export const dynamic = "force-dynamic";
type Params = { id: string };

/** Starts a run: `{inputs, repo?, baseRef?, version?}` → 201 with the run and its steps. */
export const POST = route<Params>(async (request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  const body = parseOrThrow(startRunBodySchema, await readJsonOrThrow(request));
  const run = await startRunOrThrow(db, { flowId: id, ...body, origin: body.origin ?? "api" });
  return json(run, { status: 201 });
});

/** This flow's runs, newest first (same query as GET /api/runs?flow=:id). */
export const GET = route<Params>(async (request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  const query = parseQueryOrThrow(request, listRunsQuerySchema);
  return json(await listRuns(db.orm, { ...query, flow: id }));
});
