/**
 * What stops working once a run's refs are deleted ("Delete this run's refs", or the retention
 * period: runs.refs_deleted_at): its commits are no longer kept, so nothing that starts from
 * them or names them is offered any more — re-running a step (plainly, with changes, or as a
 * review round), checking an attempt out as a branch, taking the run's result.
 *
 * THE rule, pure (the browser imports it): the run page disables those actions with this
 * reason, and the server refuses them with it (409). A run without a repository has no refs,
 * so deleting "its refs" (its scratch dirs) takes nothing from it.
 */

/** What needs a run's commits, as the refusal names it. */
export type RefsAction = "rerun" | "branch" | "review" | "result" | "step";

const CONSEQUENCE: Record<RefsAction, string> = {
  rerun: "its steps can't be re-run",
  branch: "its attempts can't be checked out as a branch",
  review: "changes can't be requested of its steps",
  result: "its result can't be merged, branched, exported or pushed",
  /** The run page's step panel, where all three step actions are. */
  step: "its steps can't be re-run, reviewed or checked out as a branch",
};

/** "2026-12-02 08:50 UTC" from an ISO time (the same text on the server and in the browser). */
export const utcMinute = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** Why `action` is refused on this run because its refs were deleted; null: they weren't (or it has none). */
export function refsDeletedRefusal(run: { repo: string | null; refsDeletedAt: string | null }, action: RefsAction): string | null {
  if (!run.repo || !run.refsDeletedAt) return null;
  return `this run's refs were deleted on ${utcMinute(run.refsDeletedAt)}: its commits are no longer kept, so ${CONSEQUENCE[action]}`;
}
