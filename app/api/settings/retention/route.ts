import { appDb } from "@/lib/app-db";
import { readBodyOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { retentionBodySchema, setRetention } from "@/lib/settings/retention";

export const dynamic = "force-dynamic";

/**
 * `{days: <whole days> | "forever" | null}` → the retention in force. null deletes the stored
 * setting: BATON_REF_RETENTION_DAYS (or the default) applies again.
 */
export const PUT = route(async (request) => {
  const body = await readBodyOrThrow(request, retentionBodySchema);
  const db = await appDb();
  return json(await setRetention(db.orm, body.days));
});
