import { appDb } from "@/lib/app-db";
import { dataDir } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { exportResultPatchOrThrow } from "@/lib/results/result-actions";

export const dynamic = "force-dynamic";
type Params = { id: string };

/** The result as a `git format-patch` series (one commit per step), as a download. */
export const GET = route<Params>(async (_request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  const exported = await exportResultPatchOrThrow(db.orm, id, dataDir());
  return new Response(exported.patch, {
    headers: {
      "content-type": "text/x-patch; charset=utf-8",
      "content-disposition": `attachment; filename="${exported.filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "cache-control": "no-store",
      "x-baton-commits": String(exported.commits),
    },
  });
});
