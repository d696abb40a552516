import { appDb } from "@/lib/app-db";
import { readJsonOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { createFlowOrThrow } from "@/lib/flows/service";
import { listFlows } from "@/lib/flows/repository";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const db = await appDb();
  return json({ flows: await listFlows(db.orm) });
});

export const POST = route(async (request) => {
  const db = await appDb();
  const flow = await createFlowOrThrow(db, await readJsonOrThrow(request));
  return json(flow, { status: 201 });
});
