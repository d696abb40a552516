import { appDb } from "@/lib/app-db";
import { dataDir } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { currentRetention } from "@/lib/settings/retention";
import { storageReport } from "@/lib/settings/storage";

export const dynamic = "force-dynamic";

/** `{retention, storage}`: the retention in force (and its source) and the space runs' refs and worktrees take. */
export const GET = route(async () => {
  const db = await appDb();
  return json({ retention: await currentRetention(db.orm), storage: await storageReport(db.orm, dataDir()) });
});
