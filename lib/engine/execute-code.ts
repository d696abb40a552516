/**
 * Code steps of runs with a repo: agents in their own worktree (with live diffs and a commit
 * at the end), concat folds that merge their inputs' commits, and where checks run.
 * Runs without a repo never get here (their steps use scratch directories: execute-agent.ts,
 * lib/kinds/check/executor.ts).
 */
import fs from "node:fs/promises";
import path from "node:path";
import { sql } from "drizzle-orm";
import { rows } from "../db/client";
import { diffTrees } from "../git/diff-worktree";
import { runGitOrThrow } from "../git/run-git";
import { phaseEvent, type StepContext, type StepOutcome } from "./contract";
import {
  attemptStartPoint,
  commitAttemptOrThrow,
  prepareCodeWorktreeOrThrow,
  releaseWorktree,
  withChanges,
  worktreeFailure,
  type RunLineage,
} from "./code-workspace";
import { DiffWatcher } from "./diff-watch";
import { upstreamCommits } from "./lineage";
import { ensureStartCommitsOrThrow, publishAttemptOrThrow } from "./shared-lineage";
import { worktreesRoot } from "../git/ref-names";
import { runAgent, type AgentRun } from "./run-agent";
import type { AgentEvent } from "../agents/types";
import type { PreparedWorktree } from "../git/prepare-worktree";
import type { StepRole } from "../contract/run";

/** Runs the agent in a fresh worktree; commits whatever it left, whether it succeeded or not. */
export function executeAgentInWorktree(
  context: StepContext,
  spec: { upstream: string[]; role: StepRole },
  lineage: RunLineage,
  run: Omit<AgentRun, "cwd" | "observe">,
): Promise<StepOutcome> {
  return executeInWorktree(context, spec, lineage, (prepared, observe) => runAgent(context, { ...run, cwd: prepared.path, observe }));
}

/**
 * A code step's work in a fresh worktree of its own, started where the attempt starts
 * (attemptStartPoint), with live diffs (`observe` takes the agent's events); then everything
 * the work left is committed, the worktree released and the result commit published.
 */
export async function executeInWorktree(
  context: StepContext,
  spec: { upstream: string[]; role: StepRole },
  lineage: RunLineage,
  work: (prepared: PreparedWorktree, observe: (event: AgentEvent) => void) => Promise<StepOutcome>,
): Promise<StepOutcome> {
  let prepared;
  context.emit(phaseEvent("preparing"));
  try {
    prepared = await prepareCodeWorktreeOrThrow(context, lineage, attemptStartPoint(context, spec.upstream, lineage));
  } catch (error) {
    return worktreeFailure(error);
  }
  const watcher = new DiffWatcher({ worktree: prepared.path, startCommit: prepared.startCommit, emit: context.emit });
  watcher.start();
  let outcome: StepOutcome;
  context.emit(phaseEvent("agent"));
  try {
    outcome = await work(prepared, (event) => watcher.observe(event));
  } finally {
    context.emit(phaseEvent("committing"));
    await watcher.stop();
  }
  let changes;
  try {
    changes = await commitAttemptOrThrow(prepared, commitMessage(context, outcome), () => context.emit(phaseEvent("diffing")));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (outcome.state !== "succeeded") return outcome;
    return {
      state: "failed",
      error: `committing the step's changes failed: ${reason}`,
      output: outcome.output,
      ...(outcome.usage ? { usage: outcome.usage } : {}),
      retryable: true,
      detail: { retryable: true },
      startCommit: prepared.startCommit,
      branch: prepared.ref,
      worktree: prepared.path,
    };
  }
  // Committed: the attempt's ref holds everything, so the directory can serve the next step.
  await releaseWorktree(context, lineage, prepared.path);
  return judgeCodeOutcome(withChanges(await publishedOutcome(context, lineage, outcome, changes.resultCommit), changes), spec.role);
}

/**
 * Publishes the attempt's result commit (shared-lineage.ts). A succeeded step whose result
 * could not be published fails, retryably: a dependent step on another machine could not
 * start from it. Other outcomes keep what they say; the failure is logged.
 */
async function publishedOutcome(context: StepContext, lineage: RunLineage, outcome: StepOutcome, resultCommit: string): Promise<StepOutcome> {
  try {
    await publishAttemptOrThrow(context, lineage, context.step.key, resultCommit);
    return outcome;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (outcome.state !== "succeeded") {
      context.emit({ type: "log-line", data: { stream: "stderr", text: `publishing the attempt's commit failed: ${reason}` } });
      return outcome;
    }
    return {
      state: "failed",
      error: `publishing the result commit failed: ${reason}`,
      output: outcome.output,
      ...(outcome.usage ? { usage: outcome.usage } : {}),
      retryable: true,
      detail: { ...outcome.detail, retryable: true, reason: "publish_failed" },
    };
  }
}

/**
 * A code step that "succeeded" without doing its job is not green:
 * - its agent reported failed edits and changed nothing (Gemini's "Error checking existing
 *   file" with end_turn): failed, with the failed tool calls named;
 * - an arena contestant with no change and no output did nothing, so it can't win: failed,
 *   saying so in its lane.
 */
export function judgeCodeOutcome(outcome: StepOutcome, role: StepRole): StepOutcome {
  if (outcome.state !== "succeeded") return outcome;
  const unchanged = (outcome.diffStats?.files ?? 0) === 0;
  if (!unchanged) return outcome;
  const failedEdits = Array.isArray(outcome.detail?.failedEdits) ? (outcome.detail.failedEdits as Array<{ title: string; message?: string }>) : [];
  const detail = { ...outcome.detail, retryable: false };
  const lineage = { startCommit: outcome.startCommit, branch: outcome.branch, worktree: outcome.worktree };
  if (failedEdits.length > 0) {
    const named = failedEdits.map((f) => `${f.title}${f.message ? ` (${f.message.split("\n")[0]})` : ""}`).join("; ");
    return {
      state: "failed",
      error: `the agent's edits failed and it changed nothing: ${named}`,
      output: outcome.output,
      ...(outcome.usage ? { usage: outcome.usage } : {}),
      retryable: true,
      detail: { ...detail, retryable: true },
      ...lineage,
    };
  }
  if (role === "contestant" && !outcome.output.trim()) {
    return {
      state: "failed",
      error: "did nothing: no change to the code and no output, so it can't win",
      output: outcome.output,
      ...(outcome.usage ? { usage: outcome.usage } : {}),
      retryable: false,
      detail,
      ...lineage,
    };
  }
  return outcome;
}

function commitMessage(context: StepContext, outcome: StepOutcome): string {
  const title = `Baton: ${context.step.key} (run ${context.step.runId}, attempt ${context.step.attempt})`;
  const state = outcome.state === "succeeded" ? outcome.summary ?? "" : `Step ${outcome.state}.`;
  return state ? `${title}\n\n${state}` : title;
}

/**
 * A concat fold's commit: its single input's result commit, or the merge of several (made
 * in a worktree of its own; a conflict fails the step like any code step). The recorded diff
 * spans the run's base commit to that result: everything the run changed up to the fold.
 */
export async function concatCommit(
  context: StepContext,
  spec: { upstream: string[] },
  lineage: RunLineage,
): Promise<Partial<Extract<StepOutcome, { state: "succeeded" }>> | Extract<StepOutcome, { state: "failed" }>> {
  const recorded = context.step.startCommit;
  const commits = recorded ? [recorded] : upstreamCommits(spec.upstream, lineage.nodes);
  if (commits.length === 0) return {};
  let result: Partial<Extract<StepOutcome, { state: "succeeded" }>>;
  if (commits.length === 1) result = { resultCommit: commits[0] };
  else {
    try {
      const prepared = await prepareCodeWorktreeOrThrow(context, lineage, { merge: commits });
      result = { startCommit: prepared.startCommit, resultCommit: prepared.startCommit, branch: prepared.ref, worktree: prepared.path };
      await releaseWorktree(context, lineage, prepared.path);
    } catch (error) {
      return worktreeFailure(error);
    }
  }
  if (!lineage.baseCommit) return result;
  try {
    await ensureStartCommitsOrThrow(context, lineage, [lineage.baseCommit, result.resultCommit!]);
  } catch (error) {
    return worktreeFailure(error);
  }
  const diff = await diffTrees(lineage.repo, lineage.baseCommit, result.resultCommit!);
  return { ...result, diff: diff.diff, diffStats: diff.stats };
}

export interface CheckLocation {
  cwd: string;
  startCommit: string;
  branch?: string;
  /** True when the check runs in an upstream step's worktree (not one of its own). */
  shared: boolean;
}

/**
 * Where a check runs on a run with a repo: in the worktree of the upstream step whose result
 * it checks, while that worktree still exists with that commit checked out; otherwise
 * (removed after the run ended, or several upstream commits to merge) in a fresh worktree of
 * its own at that commit or merge. The checked commit is recorded as the check's start.
 */
export async function checkLocationOrThrow(context: StepContext, spec: { upstream: string[] }, lineage: RunLineage): Promise<CheckLocation> {
  const start = attemptStartPoint(context, spec.upstream, lineage);
  if ("commit" in start) {
    for (const node of lineage.nodes.values()) {
      if (node.resultCommit !== start.commit || !node.worktree) continue;
      if (!ownWorktree(context, node.worktree) || !(await worktreeAt(node.worktree, start.commit))) continue;
      await rows(
        context.db,
        sql`update steps set start_commit = ${start.commit}, worktree = ${node.worktree}, updated_at = now()
            where id = ${context.step.id} and fence = ${context.step.fence} and state = 'running'`,
      );
      return { cwd: node.worktree, startCommit: start.commit, shared: true };
    }
  }
  const prepared = await prepareCodeWorktreeOrThrow(context, lineage, start);
  return { cwd: prepared.path, startCommit: prepared.startCommit, branch: prepared.ref, shared: false };
}

/**
 * A worktree this worker made (under its data dir). Another worker's — on this host, when
 * several share it — is that worker's to remove at any time, so it is never borrowed.
 */
export function ownWorktree(context: StepContext, dir: string): boolean {
  const relative = path.relative(worktreesRoot(context.dataDir), dir);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

/** A worktree exists at `dir` with `commit` checked out. */
export async function worktreeAt(dir: string, commit: string): Promise<boolean> {
  try {
    await fs.access(dir);
  } catch {
    return false;
  }
  const head = await runGitOrThrow(["rev-parse", "--verify", "--quiet", "HEAD"], { cwd: dir, allowExitCodes: [1, 128] }).catch(() => null);
  return head !== null && head.exitCode === 0 && head.stdout.trim() === commit;
}
