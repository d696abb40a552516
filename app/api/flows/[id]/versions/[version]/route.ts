import { z } from "zod";
import { appDb } from "@/lib/app-db";
import { parseOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { getVersionOrThrow } from "@/lib/flows/service";

export const dynamic = "force-dynamic";

const versionParam = z.coerce.number({ error: "must be a version number" }).int("must be a whole number").min(1, "must be ≥ 1");

export const GET = route<{ id: string; version: string }>(async (_request, { params }) => {
  const { id, version } = await params;
  const n = parseOrThrow(versionParam, version, "version");
  const db = await appDb();
  return json(await getVersionOrThrow(db.orm, id, n));
});
