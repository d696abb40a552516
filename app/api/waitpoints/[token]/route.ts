import { appDb } from "@/lib/app-db";
import { dataDir } from "@/lib/db/client";
import { readBodyOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { answerWaitpointOrThrow } from "@/lib/review/review-actions";
import { reviewBodySchema } from "@/lib/review/schemas";

export const dynamic = "force-dynamic";
type Params = { token: string };

/**
 * Answers the waiting approval that holds this token (shown with the approval): the same body
 * as a review. The token is the credential (lib/auth/gate.ts lets this route through on it).
 */
export const POST = route<Params>(async (request, { params }) => {
  const { token } = await params;
  const body = await readBodyOrThrow(request, reviewBodySchema);
  const db = await appDb();
  const run = await answerWaitpointOrThrow(db, token, body, dataDir());
  return json({ runId: run.id, status: run.status });
});
