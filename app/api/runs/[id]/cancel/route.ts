import { appDb } from "@/lib/app-db";
import { json, route } from "@/lib/http/route";
import { cancelRunOrThrow } from "@/lib/runs/service";

export const dynamic = "force-dynamic";
type Params = { id: string };

/** Cancels what hasn't started and asks running steps to stop; 409 if the run already ended. */
export const POST = route<Params>(async (_request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  return json(await cancelRunOrThrow(db, id));
});
