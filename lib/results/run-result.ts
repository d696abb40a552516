/**
 * A run's result: its final commit (result-plan.ts says which commits make it), the combined
 * diff against the base, and what merging it into the base branch would do right now.
 *
 * The merge of several sinks is made off-tree (git/merge-off-tree.ts) and is deterministic,
 * so reading the result twice names the same commit. The result commit is kept reachable
 * by Baton's ref `refs/baton/<run>/result` (out of the user's branch list; removed with the
 * run's other refs), written whenever the result is read and ready.
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import type { RunStatus, StepState } from "../db/schema";
import { diffTrees } from "../git/diff-worktree";
import { isAncestor, mergeCommitsOffTree, mergeTreeOf } from "../git/merge-off-tree";
import { runGitOrThrow } from "../git/run-git";
import { ensureCommitsOrThrow, lineageRunPrefix, type LineageLink } from "../git/remote";
import { gitSharingFromEnvOrThrow } from "../git/repo-map";
import { runRepoOrThrow } from "../engine/shared-lineage";
import { branchTip, checkoutOf, currentBranch, shortBranch } from "../git/user-branch";
import { notFound } from "../http/errors";
import { refsDeletedRefusal } from "../runs/refs-deleted";
import { planResult, type ResultPlan, type ResultStepInput } from "./result-plan";
import type { RunResult } from "./schemas";

/** Baton's ref that keeps a run's result commit reachable, in the run's ref namespace (no attempt ref ends in `result`). */
export const resultRefName = (runId: string) => `${lineageRunPrefix(runId)}result`;

export interface LoadedRun {
  id: string;
  status: RunStatus;
  flowName: string | null;
  /** This process's clone of the run's repository. */
  repo: string | null;
  /** Where lineage is shared (BATON_LINEAGE_REMOTE); null: one machine. */
  link: LineageLink | null;
  baseRef: string | null;
  baseCommit: string | null;
  /** ISO time the run's refs were deleted, or null. */
  refsDeletedAt: string | null;
  steps: ResultStepInput[];
}

const json = <T>(value: unknown): T => (typeof value === "string" ? JSON.parse(value) : value) as T;

export async function loadRunForResultOrThrow(db: Executor, runId: string): Promise<LoadedRun> {
  const [run] = await rows<{ id: string; status: RunStatus; repo: string | null; base_ref: string | null; base_commit: string | null; flow_name: string | null; refs_deleted_at: string | Date | null }>(
    db,
    sql`select r.id, r.status, r.repo, r.base_ref, r.base_commit, r.refs_deleted_at, f.name as flow_name
        from runs r left join flows f on f.id = r.flow_id where r.id = ${runId}`,
  );
  if (!run) throw notFound(`run "${runId}"`);
  const stepRows = await rows<{
    key: string;
    node_id: string;
    role: string;
    state: StepState;
    depends_on: unknown;
    spec: unknown;
    start_commit: string | null;
    result_commit: string | null;
    winner: string | null;
    attempt: number;
    prompt: string | null;
    summary: string | null;
  }>(
    db,
    sql`select key, node_id, role, state, depends_on, spec, start_commit, result_commit, winner, attempt, prompt, summary
        from steps where run_id = ${runId}`,
  );
  const steps = planOrder(
    stepRows.map((s) => {
      const spec = json<Record<string, unknown>>(s.spec) ?? {};
      return {
        key: s.key,
        nodeId: s.node_id,
        role: s.role,
        state: s.state,
        dependsOn: json<string[]>(s.depends_on) ?? [],
        upstream: Array.isArray(spec.upstream) ? (spec.upstream as string[]) : [],
        startCommit: s.start_commit,
        resultCommit: s.result_commit,
        winner: s.winner,
        attempt: s.attempt,
        profile: typeof spec.profile === "string" ? spec.profile : null,
        model: typeof spec.model === "string" ? spec.model : null,
        prompt: s.prompt,
        summary: s.summary,
      };
    }),
  );
  // A run naming its repository is read in this process's own clone (BATON_REPO_MAP).
  const local = run.repo ? runRepoOrThrow(gitSharingFromEnvOrThrow(), run.repo) : null;
  return { id: run.id, status: run.status, flowName: run.flow_name, repo: local?.repo ?? null, link: local?.link ?? null, baseRef: run.base_ref, baseCommit: run.base_commit, refsDeletedAt: run.refs_deleted_at === null ? null : new Date(run.refs_deleted_at).toISOString(), steps };
}

/** Dependencies first, ties by key: the order the run's steps were planned in. */
function planOrder<T extends { key: string; dependsOn: string[] }>(list: T[]): T[] {
  const pending = [...list].sort((a, b) => a.key.localeCompare(b.key));
  const done = new Set<string>();
  const out: T[] = [];
  while (pending.length > 0) {
    const index = pending.findIndex((s) => s.dependsOn.every((d) => done.has(d) || !list.some((x) => x.key === d)));
    const [next] = pending.splice(index < 0 ? 0 : index, 1);
    out.push(next);
    done.add(next.key);
  }
  return out;
}

/** The branch "Merge into <base>" targets: the base ref when it is a branch, else the checkout's. */
export async function baseBranchOf(repo: string, baseRef: string | null): Promise<string | null> {
  if (!baseRef || baseRef === "HEAD") return currentBranch(repo);
  const full = await runGitOrThrow(["rev-parse", "--symbolic-full-name", baseRef], { cwd: repo, allowExitCodes: [128] });
  const name = full.stdout.trim();
  return full.exitCode === 0 && name.startsWith("refs/heads/") ? shortBranch(name) : null;
}

export interface ComputedResult {
  result: RunResult;
  plan: ResultPlan;
  run: LoadedRun;
}

export async function computeRunResultOrThrow(db: Executor, runId: string, options: { maxDiffBytes?: number } = {}): Promise<ComputedResult> {
  const run = await loadRunForResultOrThrow(db, runId);
  const plan = planResult(run.steps);
  const empty: RunResult = {
    runId: run.id,
    runStatus: run.status,
    state: "none",
    partial: run.status !== "succeeded",
    reason: null,
    repo: run.repo,
    baseRef: run.baseRef,
    baseCommit: run.baseCommit,
    commit: null,
    ref: null,
    branches: [],
    sources: plan.sources,
    steps: plan.series.map((s) => ({ key: s.key, nodeId: s.nodeId, attempt: s.attempt, profile: s.profile, commit: s.resultCommit })),
    conflict: null,
    stats: null,
    files: [],
    diff: null,
    diffTruncated: false,
    merge: null,
    remotes: [],
    refsDeletedAt: null,
  };
  if (!run.repo || !run.baseCommit) return { run, plan, result: { ...empty, reason: "the run has no repository" } };
  // Checked before anything is read or written in the repository: reading the result would
  // otherwise write refs/baton/<run>/result again, and its commits may already be gone.
  const refsDeleted = refsDeletedRefusal(run, "result");
  if (refsDeleted) return { run, plan, result: { ...empty, refsDeletedAt: run.refsDeletedAt, reason: refsDeleted } };
  const repo = run.repo;
  const remotes = await listRemotes(repo);
  if (plan.sources.length === 0) {
    const reason = run.status === "succeeded" ? "no step of this run produced a commit" : "no code step has succeeded yet";
    return { run, plan, result: { ...empty, remotes, reason } };
  }
  // Steps may have run on other machines: fetch their commits from the lineage remote first.
  if (run.link) await ensureCommitsOrThrow(run.link, run.id, [run.baseCommit, ...plan.sources.map((s) => s.commit)]);
  const merged = await mergeCommitsOffTree(
    repo,
    plan.sources.map((s) => s.commit),
    (_into, commit) => `Baton: merge ${plan.sources.find((s) => s.commit === commit)?.key ?? commit} (run ${run.id})`,
  );
  if (!merged.ok) {
    const { paths, conflictingCommit, mergedCommits } = merged.conflict;
    const reason = `the results of ${plan.sources.map((s) => s.key).join(", ")} conflict in: ${paths.join(", ")}`;
    return { run, plan, result: { ...empty, remotes, state: "conflict", reason, conflict: { paths, conflictingCommit, mergedCommits } } };
  }
  const commit = merged.commit;
  const ref = resultRefName(run.id);
  await runGitOrThrow(["update-ref", "-m", "baton: run result", ref, commit], { cwd: repo });
  const [diff, branches, merge] = await Promise.all([
    diffTrees(repo, run.baseCommit, commit, { maxDiffBytes: options.maxDiffBytes }),
    branchesAt(repo, commit),
    mergePreview(repo, run.baseRef, commit),
  ]);
  return {
    run,
    plan,
    result: {
      ...empty,
      state: "ready",
      commit,
      ref,
      branches,
      stats: diff.stats,
      files: diff.files,
      diff: diff.diff,
      diffTruncated: diff.diffTruncated,
      merge,
      remotes,
    },
  };
}

async function branchesAt(repo: string, commit: string): Promise<string[]> {
  const result = await runGitOrThrow(["for-each-ref", "--format=%(refname:short)", "--points-at", commit, "refs/heads/"], { cwd: repo });
  // Baton's own attempt branches (baton/<run>/…) are not the user's.
  return result.stdout.split("\n").filter((name) => name && !name.startsWith("baton/")).sort();
}

export async function listRemotes(repo: string): Promise<Array<{ name: string; url: string }>> {
  const names = (await runGitOrThrow(["remote"], { cwd: repo })).stdout.split("\n").filter(Boolean);
  return Promise.all(
    names.map(async (name) => ({
      name,
      url: (await runGitOrThrow(["remote", "get-url", "--push", name], { cwd: repo, allowExitCodes: [2, 128] })).stdout.trim(),
    })),
  );
}

/** What merging `commit` into the base branch would do now (no write). */
export async function mergePreview(repo: string, baseRef: string | null, commit: string, into?: string): Promise<NonNullable<RunResult["merge"]>> {
  const branch = into ?? (await baseBranchOf(repo, baseRef));
  const tip = branch ? await branchTip(repo, branch) : null;
  if (!branch || !tip) return { into: branch, tip: null, state: "no-branch", paths: [], checkout: null };
  const checkout = await checkoutOf(repo, branch);
  if (await isAncestor(repo, commit, tip)) return { into: branch, tip, state: "up-to-date", paths: [], checkout };
  if (await isAncestor(repo, tip, commit)) return { into: branch, tip, state: "fast-forward", paths: [], checkout };
  const tree = await mergeTreeOf(repo, tip, commit);
  if ("paths" in tree) return { into: branch, tip, state: "conflict", paths: tree.paths, checkout };
  return { into: branch, tip, state: "merge", paths: [], checkout };
}
