/**
 * Git worktrees for code steps of runs that name a repo (see lib/git for the git side and
 * lineage.ts for where a step starts).
 *
 * - A step attempt works in `<dataDir>/worktrees/<run>/<key>-<attempt>` on branch
 *   `baton/<run>/<key>-<attempt>`.
 * - The start point is the step's *recorded* start commit when the row has one (a retry, a
 *   rescued attempt, or a re-run of this very step: the reducer keeps it for the re-run step
 *   and clears it on reset descendants), else it is derived from the upstream result commits.
 *   So a re-run restores git state exactly, whatever happened to branches since.
 * - The start commit, branch and worktree are written to the running row (fenced) as soon as
 *   the worktree exists, so a crash mid-step still leaves the start point recorded.
 * - On finish everything in the worktree is committed and the diff against the start commit
 *   recorded; the worktree stays until the run ends (run-cleanup.ts).
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { commitWorktreeOrThrow, type CommittedWorktree } from "../git/commit-worktree";
import { GitError, MergeConflictError } from "../git/errors";
import { prepareWorktreeOrThrow, type PreparedWorktree } from "../git/prepare-worktree";
import { worktreesRoot } from "../git/ref-names";
import type { DiffStats, StepContext, StepOutcome } from "./contract";
import { startPointOf, type LineageNode, type StartPoint } from "./lineage";
import type { GitSharing } from "../git/repo-map";
import type { LineageLink } from "../git/remote";
import { ensureStartCommitsOrThrow, publishAttemptOrThrow, runRepoOrThrow } from "./shared-lineage";

export interface RunLineage {
  /** This worker's clone of the run's repository (shared-lineage.ts). */
  repo: string;
  /** Where this worker shares lineage with others; null: one machine. */
  link: LineageLink | null;
  baseCommit: string | null;
  /** Non-contestant steps by node id (an arena through its select step). */
  nodes: Map<string, LineageNode & { worktree: string | null; key: string }>;
}

const json = <T>(value: unknown): T => (typeof value === "string" ? JSON.parse(value) : value) as T;

/**
 * The run's repo (as this worker's clone) and its node graph with result commits; null when
 * the run has no repo. `sharing`: this worker's repository map and lineage remote.
 */
export async function loadRunLineage(db: Executor, runId: string, sharing?: GitSharing): Promise<RunLineage | null> {
  const [run] = await rows<{ repo: string | null; base_commit: string | null }>(
    db,
    sql`select repo, base_commit from runs where id = ${runId}`,
  );
  if (!run?.repo) return null;
  const steps = await rows<{ key: string; node_id: string; result_commit: string | null; worktree: string | null; upstream: unknown }>(
    db,
    sql`select key, node_id, result_commit, worktree, spec->'upstream' as upstream
        from steps where run_id = ${runId} and role <> 'contestant'`,
  );
  const nodes = new Map(
    steps.map((s) => [
      s.node_id,
      { key: s.key, resultCommit: s.result_commit, worktree: s.worktree, upstream: json<string[] | null>(s.upstream) ?? [] },
    ]),
  );
  return { ...runRepoOrThrow(sharing, run.repo), baseCommit: run.base_commit, nodes };
}

/** Where this attempt starts: the recorded start commit, else derived from upstream. */
export function attemptStartPoint(context: StepContext, upstream: readonly string[], lineage: RunLineage): StartPoint {
  if (context.step.startCommit) return { commit: context.step.startCommit };
  const start = startPointOf(upstream, lineage.nodes, lineage.baseCommit);
  if (!start) throw new GitError("commit_not_found", `run ${context.step.runId} has a repo but no base commit`);
  return start;
}

/**
 * Creates the attempt's worktree and records where it starts on the running row. Start
 * commits made on another machine are fetched first; a merge made here is published before
 * it is recorded, so a re-run on any machine can restore it.
 */
export async function prepareCodeWorktreeOrThrow(
  context: StepContext,
  lineage: RunLineage,
  start: StartPoint,
  nodeKey: string = context.step.key,
): Promise<PreparedWorktree> {
  await ensureStartCommitsOrThrow(context, lineage, "commit" in start ? [start.commit] : start.merge);
  const prepared = await prepareWorktreeOrThrow({
    repo: lineage.repo,
    root: worktreesRoot(context.dataDir),
    runId: context.step.runId,
    nodeKey,
    attempt: context.step.attempt,
    start,
  });
  if (!prepared.inputCommits.includes(prepared.startCommit)) await publishAttemptOrThrow(context, lineage, nodeKey, prepared.startCommit);
  await rows(
    context.db,
    sql`update steps set start_commit = ${prepared.startCommit}, branch = ${prepared.branch}, worktree = ${prepared.path}, updated_at = now()
        where id = ${context.step.id} and fence = ${context.step.fence} and state = 'running'`,
  );
  context.emit({
    type: "log-line",
    data: { stream: "info", text: `worktree ${prepared.path} on ${prepared.branch} from ${describeStart(start, prepared.startCommit)}` },
  });
  return prepared;
}

function describeStart(start: StartPoint, startCommit: string): string {
  if ("commit" in start) return startCommit.slice(0, 12);
  return `merge of ${start.merge.map((c) => c.slice(0, 12)).join(" + ")} = ${startCommit.slice(0, 12)}`;
}

/** A worktree that could not be prepared, as the step's failure. */
export function worktreeFailure(error: unknown): Extract<StepOutcome, { state: "failed" }> {
  if (error instanceof MergeConflictError) {
    return {
      state: "failed",
      error: `cannot start: ${error.message}`,
      retryable: false,
      detail: {
        retryable: false,
        conflict: { paths: error.paths, mergedCommits: error.mergedCommits, conflictingCommit: error.conflictingCommit },
      },
    };
  }
  // A missing commit or a bad argument stays missing on retry; git hiccups may not.
  const retryable = !(error instanceof GitError && ["commit_not_found", "invalid_argument", "worktree_invalid"].includes(error.code));
  const reason = error instanceof Error ? error.message : String(error);
  return { state: "failed", error: `cannot prepare the worktree: ${reason}`, retryable, detail: { retryable } };
}

export interface RecordedChanges {
  startCommit: string;
  resultCommit: string;
  branch: string;
  worktree: string;
  diff: string;
  diffStats: DiffStats;
  committed: boolean;
  diffTruncated: boolean;
}

/** Commits everything the attempt left in its worktree; `onDiffing` once committed, before the diff. */
export async function commitAttemptOrThrow(prepared: PreparedWorktree, message: string, onDiffing?: () => void): Promise<RecordedChanges> {
  const committed: CommittedWorktree = await commitWorktreeOrThrow(prepared.path, message, prepared.startCommit, { onDiffing });
  return {
    startCommit: prepared.startCommit,
    resultCommit: committed.resultCommit,
    branch: prepared.branch,
    worktree: prepared.path,
    diff: committed.diff,
    diffStats: committed.stats,
    committed: committed.committed,
    diffTruncated: committed.diffTruncated,
  };
}

/**
 * Folds the recorded changes into the outcome. Succeeded outcomes carry them in the contract's
 * fields, and so do canceled ones (partial work is committed and shown). The contract's failed
 * outcome has no result-commit/diff fields, so a failed attempt's result commit and stats go
 * into `detail` (its branch still holds the work).
 */
export function withChanges(outcome: StepOutcome, changes: RecordedChanges): StepOutcome {
  const { startCommit, resultCommit, branch, worktree, diff, diffStats } = changes;
  switch (outcome.state) {
    case "succeeded":
      return {
        ...outcome,
        startCommit,
        resultCommit,
        branch,
        worktree,
        diff,
        diffStats,
        detail: { ...outcome.detail, committed: changes.committed, ...(changes.diffTruncated ? { diffTruncated: true } : {}) },
      };
    case "failed":
      return { ...outcome, startCommit, branch, worktree, detail: { ...outcome.detail, resultCommit, diffStats, committed: changes.committed } };
    case "canceled":
      // The partial work of a canceled attempt is kept and shown like any other's.
      return { ...outcome, startCommit, resultCommit, branch, worktree, diff, diffStats, detail: { ...outcome.detail, committed: changes.committed } };
    default:
      return outcome;
  }
}
