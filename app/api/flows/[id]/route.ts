import { z } from "zod";
import { appDb } from "@/lib/app-db";
import { parseOrThrow, readJsonOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import {
  deleteFlowOrThrow,
  getFlowOrThrow,
  parseSaveBody,
  renameFlowOrThrow,
  saveVersionOrThrow,
} from "@/lib/flows/service";

export const dynamic = "force-dynamic";
type Params = { id: string };

export const GET = route<Params>(async (_request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  return json(await getFlowOrThrow(db.orm, id));
});

/** Saves a new version: body `{document, message?, baseVersion?}` or a bare flow document. */
export const PUT = route<Params>(async (request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  const body = parseSaveBody(await readJsonOrThrow(request));
  return json(await saveVersionOrThrow(db, id, body));
});

const patchSchema = z.object({ name: z.string().trim().min(1, "must not be empty").max(200) });

/** Rename (recorded as a new version, so history shows it). */
export const PATCH = route<Params>(async (request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  const { name } = parseOrThrow(patchSchema, await readJsonOrThrow(request));
  return json(await renameFlowOrThrow(db, id, name));
});

export const DELETE = route<Params>(async (_request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  await deleteFlowOrThrow(db, id);
  return new Response(null, { status: 204 });
});
