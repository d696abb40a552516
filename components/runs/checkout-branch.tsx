"use client";
/**
 * "Check out as a branch": a step attempt's result lives under refs/baton/ (out of the user's
 * branch list); this makes a real branch at its result commit, named by the person. The name
 * is checked as git would before sending (the server checks again: 400 naming `name`, 409 if
 * the branch exists), and the outcome or error is shown inline.
 */
import { useState } from "react";
import { branchNameProblem } from "@/lib/git/branch-name";
import { checkoutBranch } from "@/lib/client/runs";
import { buttonClass, ErrorNote } from "./dialog";
import { useRunAction } from "./use-run-action";

interface Props {
  runId: string;
  stepId: string;
  stepKey: string;
  attempt: number;
  resultCommit: string;
  /** Why it can't be done (the run's refs were deleted), shown on the disabled button; null: it can. */
  refused: string | null;
}

export function CheckoutBranch({ runId, stepId, stepKey, attempt, resultCommit, refused }: Props) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(() => `baton/${stepKey.replace(/#/g, ".")}-${attempt}`);
  const action = useRunAction(runId, (branch: string) => checkoutBranch(runId, stepId, branch, attempt));
  const problem = branchNameProblem(name.trim());
  if (!open || refused) {
    return (
      <button
        type="button"
        className={buttonClass.secondary}
        disabled={!!refused}
        title={refused ?? undefined}
        onClick={() => setOpen(true)}
        data-testid="checkout-branch"
      >
        Check out as a branch…
      </button>
    );
  }
  return (
    <form
      className="space-y-1.5 rounded border border-zinc-200 bg-zinc-50 p-2 text-[12px]"
      data-testid="checkout-branch-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!problem) action.mutate(name.trim());
      }}
    >
      <label className="block">
        <span className="mb-1 block text-zinc-600">
          New branch at <span className="font-mono">{resultCommit.slice(0, 10)}</span> in the run&apos;s repository
        </span>
        <input
          className="w-full rounded border border-zinc-300 px-1.5 py-1 font-mono"
          value={name}
          onChange={(event) => {
            setName(event.target.value);
            action.reset();
          }}
          aria-invalid={problem !== null}
          data-testid="checkout-branch-name"
        />
      </label>
      {problem && name !== "" ? <div className="text-red-700" data-testid="checkout-branch-problem">Branch name {problem}.</div> : null}
      <ErrorNote error={action.error} />
      {action.data ? (
        <div className="text-emerald-800" data-testid="checkout-branch-done">
          Created branch <span className="font-mono">{action.data.branch}</span> at {action.data.commit.slice(0, 10)} in {action.data.repo}. Try{" "}
          <span className="font-mono">git switch {action.data.branch}</span>.
        </div>
      ) : null}
      <div className="flex gap-2">
        <button type="submit" className={buttonClass.primary} disabled={problem !== null || action.isPending} data-testid="checkout-branch-submit">
          Create branch
        </button>
        <button type="button" className={buttonClass.secondary} onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </form>
  );
}
