"use client";
/**
 * The Changes section of a code step: the diff, and — on a finished agent step of a run that
 * is over or waiting — "Review changes…", which turns it into a ReviewDiff whose Request
 * changes sends the comments back to this step.
 */
import { useState } from "react";
import { reviewStep } from "@/lib/client/review";
import { TERMINAL_RUN, type RunDetail, type StepDto } from "@/lib/client/run-types";
import { runsAgentInCode } from "@/lib/kinds/define";
import { refsDeletedRefusal } from "@/lib/runs/refs-deleted";
import { buttonClass } from "./dialog";
import { DiffViewer } from "./diff-viewer";
import { ReviewDiff, type DraftComment } from "./review-diff";
import { useRunAction } from "./use-run-action";

/** A step that runs an agent in a code workspace (what a review round can go back to). */
export function isReviewable(run: RunDetail, step: StepDto): boolean {
  return runsAgentInCode(step) && step.state === "succeeded" && (TERMINAL_RUN.includes(run.status) || run.status === "waiting");
}

export function StepChanges({ run, step, diff, current, running }: { run: RunDetail; step: StepDto; diff: string; current: boolean; running: boolean }) {
  const [reviewing, setReviewing] = useState(false);
  const action = useRunAction(run.id, ({ comments, note }: { comments: DraftComment[]; note: string }) =>
    reviewStep(run.id, step.id, { decision: "request-changes", comments, ...(note ? { reason: note } : {}) }),
  );
  const reviewable = current && isReviewable(run, step);
  // Shown, disabled, with the reason once the run's refs were deleted (the step panel says why).
  const refused = refsDeletedRefusal(run, "review");
  if (!reviewable || !reviewing || refused) {
    return (
      <div className="space-y-2">
        {reviewable ? (
          <button
            type="button"
            className={buttonClass.secondary}
            disabled={!!refused}
            title={refused ?? undefined}
            onClick={() => setReviewing(true)}
            data-testid="review-changes"
          >
            Review changes…
          </button>
        ) : null}
        <DiffViewer diff={diff} live={running} />
      </div>
    );
  }
  return (
    <div className="space-y-2">
      <button type="button" className="text-[12px] text-zinc-500 hover:text-zinc-900" onClick={() => setReviewing(false)}>
        ← Back to the diff
      </button>
      <ReviewDiff
        diff={diff}
        title={`Comments go back to ${step.key}: it runs again from this result, then the steps after it.`}
        pending={action.isPending}
        error={action.error}
        submit={(comments, note, done) => action.mutate({ comments, note }, { onSuccess: () => (done(), setReviewing(false)) })}
      />
    </div>
  );
}
