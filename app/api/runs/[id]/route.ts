import { appDb } from "@/lib/app-db";
import { json, route } from "@/lib/http/route";
import { readRunSnapshotOrThrow } from "@/lib/runs/service";

export const dynamic = "force-dynamic";
type Params = { id: string };

/**
 * The run with every step (state, attempt, timings, output, error, usage) and its attempts,
 * read as one snapshot, with `eventCursor`: the last of its events the snapshot reflects.
 */
export const GET = route<Params>(async (_request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  return json(await readRunSnapshotOrThrow(db.orm, id));
});
