/**
 * Lineage across machines, engine side (lib/git/remote.ts does the git work):
 * - a run's `repo` (a name or a path) is resolved to this worker's own clone (BATON_REPO_MAP);
 * - before a worktree is prepared, the start commits this clone lacks are fetched from the
 *   lineage remote (ensureStartCommitsOrThrow);
 * - a merge made while preparing a worktree, and every attempt's result commit, are pushed
 *   to it as `refs/baton/<run>/<key>-<attempt>`, with the run's base commit as
 *   `refs/baton/<run>/base` (publishAttemptOrThrow), before the step's outcome is written:
 *   so whichever worker claims a dependent step or a re-run finds them there.
 * Without a lineage remote (one machine) nothing is fetched or pushed.
 */
import { localRepoOrThrow, NO_SHARING, type GitSharing } from "../git/repo-map";
import {
  ensureCommitsOrThrow,
  lineageAttemptRef,
  lineageBaseRef,
  missingCommits,
  publishCommitsOrThrow,
  type LineageLink,
  type PublishedRef,
} from "../git/remote";
import type { StepContext } from "./contract";

export interface RunRepo {
  /** This worker's clone of the run's repository. */
  repo: string;
  /** Where lineage is shared; null: not shared. */
  link: LineageLink | null;
}

export function runRepoOrThrow(sharing: GitSharing | undefined, runRepo: string): RunRepo {
  const settings = sharing ?? NO_SHARING;
  const local = localRepoOrThrow(settings, runRepo);
  const link = local.remote ? { repo: local.path, remote: local.remote, timeoutMs: settings.timeoutMs, attempts: settings.attempts } : null;
  return { repo: local.path, link };
}

interface SharedLineage {
  link: LineageLink | null;
  baseCommit: string | null;
}

/** Fetches the commits of `commits` this clone lacks (no-op without a remote). */
export async function ensureStartCommitsOrThrow(context: StepContext, lineage: SharedLineage, commits: readonly string[]): Promise<void> {
  if (!lineage.link || commits.length === 0) return;
  const fetched = await ensureCommitsOrThrow(lineage.link, context.step.runId, commits);
  if (fetched.length > 0) {
    context.emit({
      type: "log-line",
      data: { stream: "info", text: `fetched ${fetched.map((c) => c.slice(0, 12)).join(", ")} from ${lineage.link.remote}` },
    });
  }
}

/**
 * Pushes `commit` as this attempt's ref, and the run's base commit beside it (idempotent;
 * every commit of a run descends from its base, so a clone holding `commit` holds the base).
 */
export async function publishAttemptOrThrow(context: StepContext, lineage: SharedLineage, nodeKey: string, commit: string): Promise<void> {
  if (!lineage.link) return;
  const { runId, attempt } = context.step;
  const ref = lineageAttemptRef(runId, nodeKey, attempt);
  const refs: PublishedRef[] = [{ ref, commit }];
  if (lineage.baseCommit && (await missingCommits(lineage.link.repo, [lineage.baseCommit])).length === 0) {
    refs.push({ ref: lineageBaseRef(runId), commit: lineage.baseCommit });
  }
  await publishCommitsOrThrow(lineage.link, refs);
  context.emit({ type: "log-line", data: { stream: "info", text: `published ${commit.slice(0, 12)} to ${lineage.link.remote} as ${ref}` } });
}
