"use client";
/**
 * "Delete this run's refs" in the run header: asks first (saying what stops working), then
 * deletes refs/baton/<run>/* and the run's worktrees and says what went; the result card then
 * says the refs were deleted instead of offering the result. While the run (or a
 * step of it) is running the button is disabled with the reason; the server refuses too.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { deleteRunRefs, type DeletedRunRefsDto } from "@/lib/client/runs";
import { buttonClass, ErrorNote } from "./dialog";
import { useRunAction } from "./use-run-action";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function DeleteRunRefs({ runId, busy }: { runId: string; busy: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<DeletedRunRefsDto | null>(null);
  const queryClient = useQueryClient();
  const remove = useRunAction(runId, () => deleteRunRefs(runId));
  // The result card reads the result again: it now says the refs were deleted instead of offering it.
  const deleted = (result: DeletedRunRefsDto) => {
    setDone(result);
    void queryClient.invalidateQueries({ queryKey: ["runs", "result", runId] });
  };
  if (done) {
    return (
      <span className="text-[12px] text-zinc-600" role="status" data-testid="run-refs-deleted">
        Deleted {plural(done.refs.length, "ref")} and {plural(done.worktrees.length, "worktree")}
        {done.repoNote ? ` (${done.repoNote})` : ""}
      </span>
    );
  }
  if (confirming) {
    return (
      <span className="inline-flex items-center gap-1.5" data-testid="run-refs-confirm">
        <span className="max-w-sm text-[12px] text-red-700">
          Delete refs/baton/{runId}/* and this run&apos;s worktrees? Re-running its steps and taking its result need them; branches you made stay.
        </span>
        <button
          type="button"
          className={buttonClass.danger}
          disabled={remove.isPending}
          onClick={() => remove.mutate(undefined, { onSuccess: deleted, onSettled: () => setConfirming(false) })}
          data-testid="run-refs-confirm-yes"
        >
          Delete
        </button>
        <button type="button" className={buttonClass.secondary} onClick={() => setConfirming(false)}>
          Keep
        </button>
      </span>
    );
  }
  return (
    <>
      <ErrorNote error={remove.error} />
      <button
        type="button"
        className={buttonClass.secondary}
        disabled={busy}
        title={busy ? "The run is still running: cancel it or wait for it to end first" : "Delete this run's attempt refs and worktrees"}
        onClick={() => setConfirming(true)}
        data-testid="delete-run-refs"
      >
        Delete this run&apos;s refs
      </button>
    </>
  );
}
