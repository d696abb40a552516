import { appDb } from "@/lib/app-db";
import { dataDir } from "@/lib/db/client";
import { draftBodySchema, draftWithAgentOrThrow } from "@/lib/drafts/service";
import { readBodyOrThrow } from "@/lib/http/body";
import { ndjsonResponse } from "@/lib/http/ndjson";
import { json, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * Drafts a flow with an agent: `{profile, task, repo?, maxAttempts?}` → `{document, valid,
 * issues, summary, attempts}`. Nothing is saved or run; the designer shows the draft unsaved.
 * Lasts as long as the agent takes (each attempt is one agent turn); closing the request
 * stops the agent. With `?progress=ndjson` the answer streams the loop's progress as NDJSON
 * lines — each round asked, the agent's tool calls (validate_flow with Baton's problem count)
 * and words, each draft's problems — then the result (lib/http/ndjson.ts; the lines' contract:
 * lib/contract/draft.ts).
 */
export const POST = route(async (request) => {
  const body = await readBodyOrThrow(request, draftBodySchema);
  const db = await appDb();
  // An ACP drafting agent reaches its tools on this server, as this request did.
  const origin = new URL(request.url).origin;
  if (new URL(request.url).searchParams.get("progress") === "ndjson") {
    return ndjsonResponse(request.signal, (onProgress, signal) => draftWithAgentOrThrow(db, body, { dataDir: dataDir(), signal, onProgress, origin }));
  }
  return json(await draftWithAgentOrThrow(db, body, { dataDir: dataDir(), signal: request.signal, origin }));
});
