import { appDb } from "@/lib/app-db";
import { dataDir } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { publicSettings } from "@/lib/runs/public-settings";

export const dynamic = "force-dynamic";

/** `{dataDir, exampleRepo}`: the example repo exists once the app has seeded (first start). */
export const GET = route(async () => {
  await appDb();
  return json(await publicSettings(dataDir()));
});
