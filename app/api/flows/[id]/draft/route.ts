import { appDb } from "@/lib/app-db";
import { readJsonOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { deleteDraftOrThrow, saveDraftOrThrow } from "@/lib/flows/drafts";

export const dynamic = "force-dynamic";
type Params = { id: string };

/** Saves the flow's draft: body `{document, baseVersion, fields?}`; the document may have problems, not a wrong shape. */
export const PUT = route<Params>(async (request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  return json(await saveDraftOrThrow(db, id, await readJsonOrThrow(request)));
});

export const DELETE = route<Params>(async (_request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  await deleteDraftOrThrow(db, id);
  return new Response(null, { status: 204 });
});
