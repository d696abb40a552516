import { appDb } from "@/lib/app-db";
import { json, route } from "@/lib/http/route";
import { approveStepOrThrow } from "@/lib/runs/service";

export const dynamic = "force-dynamic";
type Params = { id: string; stepId: string };

export const POST = route<Params>(async (_request, { params }) => {
  const { id, stepId } = await params;
  const db = await appDb();
  return json(await approveStepOrThrow(db, id, stepId));
});
