import { appDb } from "@/lib/app-db";
import { dataDir } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { deleteRunRefsOrThrow } from "@/lib/runs/delete-run-refs";

export const dynamic = "force-dynamic";
type Params = { id: string };

/**
 * Deletes the run's attempt refs (`refs/baton/<run>/*`), worktrees and scratch dirs →
 * `{refs, worktrees, repoNote}`; 409 while the run (or one of its steps) is still running.
 */
export const DELETE = route<Params>(async (_request, { params }) => {
  const { id } = await params;
  const db = await appDb();
  return json(await deleteRunRefsOrThrow(db.orm, dataDir(), id));
});
