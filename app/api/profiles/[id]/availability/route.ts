import { z } from "zod";
import { appDb } from "@/lib/app-db";
import { dataDir } from "@/lib/db/client";
import { parseQueryOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { checkProfileAvailability } from "@/lib/profiles/availability";
import { lookupBackend } from "@/lib/profiles/backends";
import { getProfileOrThrow } from "@/lib/profiles/service";

export const dynamic = "force-dynamic";
type Params = { id: string };

const query = z.strictObject({
  refresh: z.enum(["0", "1"]).default("0"),
  /** installed: the program is found (nothing starts); started: one real initialize; authenticated: a session opens. */
  level: z.enum(["installed", "started", "authenticated"]).default("installed"),
});

/**
 * Checks (or returns the fresh cached check of) one profile at `?level=` (default installed:
 * nothing is started); `?refresh=1` forces a new check.
 */
export const GET = route<Params>(async (request, { params }) => {
  const { id } = await params;
  const { refresh, level } = parseQueryOrThrow(request, query);
  const db = await appDb();
  const profile = await getProfileOrThrow(db.orm, id);
  return json({ id, ...(await checkProfileAvailability(profile, { lookup: lookupBackend, force: refresh === "1", level, dataDir: dataDir() })) });
});
