/**
 * Taking a run's result into the user's repository: a branch, a merge into the base branch,
 * a format-patch series, a push. Each recomputes the result first (a read; the run may have
 * moved on) and refuses with a 409 naming the reason when there is nothing to take.
 *
 * None of them touches a working tree of the user's except to fast-forward a *clean*
 * checkout of the branch being merged into (git/user-branch.ts); the merge commit is made
 * off-tree and the patch series in a temporary worktree under the data dir, removed after.
 */
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Executor } from "../db/client";
import { compareUrl, redactRemoteUrl } from "../git/compare-url";
import { GitError } from "../git/errors";
import { commitTreeOrThrow, mergeTreeOf } from "../git/merge-off-tree";
import { runGitOrThrow } from "../git/run-git";
import { advanceBranchOrThrow, branchTip, checkBranchName, DirtyCheckoutError } from "../git/user-branch";
import { HttpError } from "../http/errors";
import { seriesMessage } from "./result-plan";
import { baseBranchOf, computeRunResultOrThrow, listRemotes, mergePreview, type ComputedResult } from "./run-result";
import type { CreateBranchBody, MergeBody, MergeResponse, PushBody, PushResponse } from "./schemas";

const invalid = (field: string, message: string) =>
  new HttpError("validation_failed", `invalid body: ${field}: ${message}`, [{ path: field, message }]);

async function readyResultOrThrow(db: Executor, runId: string): Promise<ComputedResult & { commit: string; repo: string }> {
  const computed = await computeRunResultOrThrow(db, runId, { maxDiffBytes: 1 });
  const { result } = computed;
  if (result.state !== "ready" || !result.commit || !result.repo) {
    throw new HttpError("conflict", `run ${runId} has no result to take: ${result.reason ?? result.state}`);
  }
  return { ...computed, commit: result.commit, repo: result.repo };
}

/** A new branch in the user's repo at the result commit; an existing branch is never moved. */
export async function createResultBranchOrThrow(db: Executor, runId: string, body: CreateBranchBody): Promise<{ branch: string; commit: string }> {
  const { commit, repo } = await readyResultOrThrow(db, runId);
  const name = await checkBranchName(repo, body.name);
  if (!name) throw invalid("name", `"${body.name}" is not a valid branch name`);
  const created = await runGitOrThrow(["update-ref", "-m", `baton: result of run ${runId}`, `refs/heads/${name}`, commit, ""], {
    cwd: repo,
    allowExitCodes: [128],
  });
  if (created.exitCode !== 0) {
    const existing = await branchTip(repo, name);
    throw new HttpError("conflict", existing ? `branch "${name}" already exists (at ${existing.slice(0, 12)}); choose another name` : `creating branch "${name}" failed: ${created.stderr.trim()}`);
  }
  return { branch: name, commit };
}

/**
 * Merges the result into the base branch (or `into`): a fast-forward when the branch hasn't
 * moved since, else a merge commit made off-tree; refused with the conflicting paths, or
 * when the branch is checked out with uncommitted changes.
 */
export async function mergeResultOrThrow(db: Executor, runId: string, body: MergeBody = {}): Promise<MergeResponse> {
  const { commit, repo, run } = await readyResultOrThrow(db, runId);
  if (body.into !== undefined && !(await checkBranchName(repo, body.into))) throw invalid("into", `"${body.into}" is not a valid branch name`);
  const preview = await mergePreview(repo, run.baseRef, commit, body.into);
  if (preview.state === "no-branch" || !preview.into || !preview.tip) {
    if (body.into !== undefined) throw invalid("into", `there is no branch "${body.into}" in ${repo}`);
    throw new HttpError("conflict", `the run's base (${run.baseRef ?? "HEAD"}) is not a branch; name one with "into" or create a branch instead`);
  }
  const into = preview.into;
  if (preview.state === "conflict") {
    throw new HttpError("conflict", `merging into ${into} conflicts in: ${preview.paths.join(", ")}; nothing was changed`, preview.paths.map((p) => ({ path: p, message: "conflict" })));
  }
  if (preview.state === "up-to-date") return { into, mode: "up-to-date", before: preview.tip, after: preview.tip, checkout: preview.checkout?.path ?? null };
  if (preview.checkout && preview.checkout.dirtyPaths.length > 0) throw dirty(new DirtyCheckoutError(into, preview.checkout));
  let target = commit;
  if (preview.state === "merge") {
    const tree = await mergeTreeOf(repo, preview.tip, commit);
    if ("paths" in tree) throw new HttpError("conflict", `merging into ${into} conflicts in: ${tree.paths.join(", ")}; nothing was changed`);
    const title = `Merge Baton run ${runId}${run.flowName ? ` (${run.flowName})` : ""} into ${into}`;
    target = await commitTreeOrThrow(repo, tree.tree, [preview.tip, commit], title);
  }
  try {
    const moved = await advanceBranchOrThrow(repo, into, preview.tip, target);
    return { into, mode: preview.state, before: preview.tip, after: target, checkout: moved.checkout };
  } catch (error) {
    if (error instanceof DirtyCheckoutError) throw dirty(error);
    if (error instanceof GitError) throw new HttpError("conflict", error.message);
    throw error;
  }
}

const dirty = (error: DirtyCheckoutError) =>
  new HttpError("conflict", error.message, error.checkout.dirtyPaths.map((p) => ({ path: p, message: "uncommitted change" })));

/**
 * The result as a `git format-patch` series: one commit per step that changed code, in plan
 * order, each with the step's prompt and profile in its message, applied on the base commit
 * in a temporary worktree (the user's checkout is not involved).
 */
export async function exportResultPatchOrThrow(db: Executor, runId: string, dataDir: string): Promise<{ filename: string; patch: string; commits: number }> {
  const { plan, run, repo } = await readyResultOrThrow(db, runId);
  const baseCommit = run.baseCommit!;
  const dir = path.join(path.resolve(dataDir), "tmp", `patch-${runId}-${crypto.randomBytes(4).toString("hex")}`);
  await fs.mkdir(path.dirname(dir), { recursive: true });
  await runGitOrThrow(["worktree", "add", "-q", "--detach", dir, baseCommit], { cwd: repo });
  try {
    for (const step of plan.series) {
      const picked = await runGitOrThrow(["cherry-pick", "--no-commit", "--allow-empty", `${step.startCommit}..${step.resultCommit}`], {
        cwd: dir,
        allowExitCodes: [1, 128],
      });
      if (picked.exitCode !== 0) {
        const conflicts = (await runGitOrThrow(["diff", "--name-only", "--diff-filter=U"], { cwd: dir })).stdout.split("\n").filter(Boolean);
        throw new HttpError(
          "conflict",
          `step ${step.key}'s changes do not apply on top of the steps before it${conflicts.length ? ` (conflicts in: ${conflicts.join(", ")})` : `: ${picked.stderr.trim()}`}`,
        );
      }
      await runGitOrThrow(["commit", "-q", "--no-verify", "--allow-empty", "--cleanup=verbatim", "-m", seriesMessage(step, runId)], { cwd: dir });
    }
    const patch = await runGitOrThrow(["format-patch", "--stdout", "--no-signature", `${baseCommit}..HEAD`], { cwd: dir });
    return { filename: `baton-run-${runId}.patch`, patch: patch.stdout, commits: plan.series.length };
  } finally {
    await runGitOrThrow(["worktree", "remove", "--force", dir], { cwd: repo, allowExitCodes: [128] });
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Pushes the result commit to a branch on one of the repo's remotes. */
export async function pushResultOrThrow(db: Executor, runId: string, body: PushBody): Promise<PushResponse> {
  const { commit, repo, run } = await readyResultOrThrow(db, runId);
  const remotes = await listRemotes(repo);
  const remote = remotes.find((r) => r.name === body.remote);
  if (!remote) {
    const known = remotes.length ? remotes.map((r) => r.name).join(", ") : "none configured";
    throw invalid("remote", `"${body.remote}" is not a remote of ${repo} (remotes: ${known})`);
  }
  const branch = await checkBranchName(repo, body.branch);
  if (!branch) throw invalid("branch", `"${body.branch}" is not a valid branch name`);
  const pushed = await runGitOrThrow(["push", "--porcelain", "--", remote.name, `${commit}:refs/heads/${branch}`], {
    cwd: repo,
    allowExitCodes: [1, 128],
  });
  if (pushed.exitCode !== 0) {
    const said = `${pushed.stdout}\n${pushed.stderr}`.trim().split("\n").filter(Boolean).slice(-6).join(" / ");
    throw new HttpError("conflict", `pushing to ${remote.name} (${redactRemoteUrl(remote.url)}) failed: ${said}`);
  }
  const base = (await baseBranchOf(repo, run.baseRef)) ?? "main";
  return { remote: remote.name, url: redactRemoteUrl(remote.url), branch, commit, compareUrl: compareUrl(remote.url, base, branch) };
}
