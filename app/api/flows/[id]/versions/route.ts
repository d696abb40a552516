import { appDb } from "@/lib/app-db";
import { json, route } from "@/lib/http/route";
import { listVersionsOrThrow } from "@/lib/flows/service";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  return json({ versions: await listVersionsOrThrow(db.orm, id) });
});
