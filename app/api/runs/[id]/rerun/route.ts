import { appDb } from "@/lib/app-db";
import { parseOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { readOptionalJsonOrThrow } from "@/lib/runs/http";
import { rerunRunBodySchema } from "@/lib/runs/schemas";
import { rerunRunOrThrow } from "@/lib/runs/service";

export const dynamic = "force-dynamic";
type Params = { id: string };

/** A new run with the same inputs: `{version?: "original" | "current"}` → 201. */
export const POST = route<Params>(async (request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  const body = parseOrThrow(rerunRunBodySchema, await readOptionalJsonOrThrow(request));
  return json(await rerunRunOrThrow(db, id, body), { status: 201 });
});
