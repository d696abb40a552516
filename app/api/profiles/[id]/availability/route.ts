import { z } from "zod";
import { appDb } from "@/lib/app-db";
import { parseQueryOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { checkProfileAvailability } from "@/lib/profiles/availability";
import { lookupBackend } from "@/lib/profiles/backends";
import { getProfileOrThrow } from "@/lib/profiles/service";

export const dynamic = "force-dynamic";
type Params = { id: string };

const query = z.strictObject({ refresh: z.enum(["0", "1"]).default("0") });

/** Checks (or returns the fresh cached check of) one profile; `?refresh=1` forces a new check. */
export const GET = route<Params>(async (request, { params }) => {
  const { id } = await params;
  const { refresh } = parseQueryOrThrow(request, query);
  const db = await appDb();
  const profile = await getProfileOrThrow(db.orm, id);
  return json({ id, ...(await checkProfileAvailability(profile, { lookup: lookupBackend, force: refresh === "1" })) });
});
