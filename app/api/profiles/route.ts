import { z } from "zod";
import { appDb } from "@/lib/app-db";
import { parseQueryOrThrow, readBodyOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { checkProfileAvailability } from "@/lib/profiles/availability";
import { lookupBackend } from "@/lib/profiles/backends";
import { createProfileOrThrow, createProfileSchema, toPublicProfile } from "@/lib/profiles/service";
import { listProfiles } from "@/lib/profiles/repository";

export const dynamic = "force-dynamic";

const listQuery = z.strictObject({
  /** `wait`: run (or reuse cached) availability checks and include them; default: cached only. */
  availability: z.enum(["cached", "wait"]).default("cached"),
});

export const GET = route(async (request) => {
  const { availability } = parseQueryOrThrow(request, listQuery);
  const db = await appDb();
  const rows = await listProfiles(db.orm);
  if (availability === "cached") return json({ profiles: rows.map((row) => toPublicProfile(row)) });
  const checked = await Promise.all(rows.map((row) => checkProfileAvailability(row, { lookup: lookupBackend })));
  return json({ profiles: rows.map((row, i) => toPublicProfile(row, checked[i])) });
});

export const POST = route(async (request) => {
  const body = await readBodyOrThrow(request, createProfileSchema);
  const db = await appDb();
  return json(await createProfileOrThrow(db.orm, body), { status: 201 });
});
