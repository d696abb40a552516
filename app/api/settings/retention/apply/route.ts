import { appDb } from "@/lib/app-db";
import { dataDir } from "@/lib/db/client";
import { pruneExpired } from "@/lib/engine/run-cleanup";
import { json, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Applies the retention now (the sweep does it hourly): `{days, refs, runs, worktreeRuns}`. */
export const POST = route(async () => {
  const db = await appDb();
  return json(await pruneExpired(db.orm, dataDir()));
});
