import { appDb } from "@/lib/app-db";
import { readBodyOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { deleteProfileOrThrow, getProfileOrThrow, toPublicProfile, updateProfileOrThrow, updateProfileSchema } from "@/lib/profiles/service";

export const dynamic = "force-dynamic";
type Params = { id: string };

export const GET = route<Params>(async (_request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  return json(toPublicProfile(await getProfileOrThrow(db.orm, id)));
});

/** Partial update: any of `label`, `enabled`, `backend` (with `config`), `config`. */
export const PUT = route<Params>(async (request, { params }) => {
  const { id } = await params;
  const body = await readBodyOrThrow(request, updateProfileSchema);
  const db = await appDb();
  return json(await updateProfileOrThrow(db.orm, id, body));
});

export const DELETE = route<Params>(async (_request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  await deleteProfileOrThrow(db.orm, id);
  return new Response(null, { status: 204 });
});
