/**
 * GET /api/runs/:id/events — the run's events as Server-Sent Events (see lib/sse).
 * Resumes after `Last-Event-ID` (EventSource reconnects) or `?lastEventId=`.
 */
import { appDb } from "@/lib/app-db";
import { notifierFor } from "@/lib/db/notify";
import { notFound } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { lastEventIdOrThrow, SSE_HEADERS } from "@/lib/sse/format";
import { readRunStatus } from "@/lib/sse/read-events";
import { openRunEventStream } from "@/lib/sse/run-event-stream";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = route<{ id: string }>(async (request, context) => {
  const { id } = await context.params;
  const url = new URL(request.url);
  const lastEventId = lastEventIdOrThrow(request.headers.get("last-event-id"), url.searchParams.get("lastEventId"));
  const db = await appDb();
  if ((await readRunStatus(db.orm, id)) === null) throw notFound("run");
  const stream = openRunEventStream({ db, notifier: notifierFor(db), runId: id, lastEventId, signal: request.signal });
  return new Response(stream, { headers: SSE_HEADERS });
});
