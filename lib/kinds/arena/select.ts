/**
 * An arena's select step: picks the winner among the contestants that succeeded.
 * - first: the contestant that finished first;
 * - check: the argv command per contestant (in its worktree, else the run's repo, else a
 *   scratch dir), contestants in index order; the first whose command exits 0 wins;
 * - judge: the judge profile answers with a contestant id (see judge.ts);
 * - manual: waits for a person (POST …/select).
 * The outcome carries the winner's output, diff, stats, commits, branch and worktree, so
 * downstream steps reading {{steps.<arena>.output}} see the winner and code steps below the
 * arena start from the winner's result commit.
 * Check mode on a run with a repo runs in each contestant's worktree, or (after the run's
 * worktrees were removed, e.g. a re-run of the select step) in a fresh worktree at the
 * contestant's result commit; never in the user's own checkout.
 */
import { prepareWorktreeOrThrow } from "../../git/prepare-worktree";
import { worktreesRoot } from "../../git/ref-names";
import { loadRunLineage, worktreeFailure } from "../../engine/code-workspace";
import type { DiffStats, StepContext, StepOutcome } from "../../engine/contract";
import { ownWorktree, worktreeAt } from "../../engine/execute-code";
import { ensureStartCommitsOrThrow } from "../../engine/shared-lineage";
import { runAgent, recordPrompt } from "../../engine/run-agent";
import { runCommand, tail } from "../../engine/run-command";
import type { LoadedStep, RunInfo } from "../../engine/step-data";
import { scratchDir } from "../../engine/workspace";
import type { SelectStep } from "./definition";
import { judgePrompt, parseVerdict } from "./judge";

function won(winner: LoadedStep, detail: Record<string, unknown>): Extract<StepOutcome, { state: "succeeded" }> {
  return {
    state: "succeeded",
    output: winner.output ?? "",
    summary: `winner: ${winner.key}`,
    winner: winner.key,
    detail,
    ...(winner.diff ? { diff: winner.diff } : {}),
    ...(isDiffStats(winner.diffStats) ? { diffStats: winner.diffStats } : {}),
    ...(winner.startCommit ? { startCommit: winner.startCommit } : {}),
    ...(winner.branch ? { branch: winner.branch } : {}),
    ...(winner.worktree ? { worktree: winner.worktree } : {}),
    ...(winner.resultCommit ? { resultCommit: winner.resultCommit } : {}),
  };
}

function isDiffStats(value: unknown): value is DiffStats {
  const v = value as Partial<DiffStats> | null;
  return typeof v === "object" && v !== null && typeof v.files === "number" && typeof v.additions === "number" && typeof v.deletions === "number";
}

/** Where a contestant's check runs (see the header). */
async function contestantCheckDir(context: StepContext, spec: SelectStep, run: RunInfo, contestant: LoadedStep): Promise<string> {
  const lineage = run.repo ? await loadRunLineage(context.db, context.step.runId, context.git) : null;
  if (!lineage || !contestant.resultCommit) {
    return contestant.worktree ?? (await scratchDir(context.dataDir, context.step.runId, `${spec.nodeId}-check`));
  }
  const own = contestant.worktree && ownWorktree(context, contestant.worktree);
  if (own && (await worktreeAt(contestant.worktree!, contestant.resultCommit))) return contestant.worktree!;
  await ensureStartCommitsOrThrow(context, lineage, [contestant.resultCommit]);
  const prepared = await prepareWorktreeOrThrow({
    repo: lineage.repo,
    root: worktreesRoot(context.dataDir),
    runId: context.step.runId,
    // "<select>#check-<i>": "#" maps to ".", which node ids can't contain, so no branch clash.
    nodeKey: `${context.step.key}#check-${contestant.key.split("#").pop()}`,
    attempt: context.step.attempt,
    start: { commit: contestant.resultCommit },
  });
  return prepared.path;
}

/** A select spec without what its mode needs (validation refuses such a flow; a spec is input all the same). */
function invalidSelect(spec: SelectStep, field: string, mode: string): StepOutcome {
  const error = `select.${field}: select mode "${mode}" of "${spec.nodeId}" needs a ${field}`;
  return { state: "failed", error, retryable: false, detail: { retryable: false } };
}

export async function executeSelect(
  context: StepContext,
  spec: SelectStep,
  run: RunInfo,
  contestants: LoadedStep[],
): Promise<StepOutcome> {
  const select = spec.select;
  const eligible = contestants.filter((c) => c.state === "succeeded");
  if (eligible.length === 0) {
    return { state: "failed", error: `no contestant of "${spec.nodeId}" succeeded`, retryable: false, detail: { retryable: false } };
  }
  switch (select.mode) {
    case "first": {
      const first = [...eligible].sort((a, b) => (a.finishedAt?.getTime() ?? 0) - (b.finishedAt?.getTime() ?? 0))[0];
      return won(first, { mode: "first" });
    }
    case "manual":
      return { state: "waiting", detail: { mode: "manual", eligible: eligible.map((c) => c.key) } };
    case "check": {
      const command = select.command;
      if (!command || command.length === 0) return invalidSelect(spec, "command", "check");
      const checks: Array<Record<string, unknown>> = [];
      for (const contestant of eligible) {
        let cwd: string;
        try {
          cwd = await contestantCheckDir(context, spec, run, contestant);
        } catch (error) {
          return worktreeFailure(error);
        }
        context.emit({ type: "log-line", data: { stream: "info", text: `checking ${contestant.key} in ${cwd}: ${command.join(" ")}` } });
        const result = await runCommand(command, { cwd, signal: context.signal, emit: context.emit });
        if (result.aborted) return { state: "canceled" };
        checks.push({ contestant: contestant.key, exitCode: result.exitCode, signal: result.signal, error: result.spawnError, stderr: tail(result.stderr, 500) });
        if (result.spawnError) {
          return { state: "failed", error: `check command failed to start: ${result.spawnError}`, retryable: false, detail: { checks, retryable: false } };
        }
        if (result.exitCode === 0) return won(contestant, { mode: "check", checks });
      }
      const summary = checks.map((c) => `${c.contestant} exited ${c.exitCode ?? c.signal}`).join(", ");
      return { state: "failed", error: `no contestant passed the check (${summary})`, retryable: true, detail: { checks, retryable: true } };
    }
    case "judge": {
      const judge = select.profile;
      if (!judge) return invalidSelect(spec, "profile", "judge");
      const prompt = judgePrompt({ task: eligible[0].prompt, ...(select.prompt ? { instructions: select.prompt } : {}), contestants: eligible });
      recordPrompt(context, prompt);
      const answer = await runAgent(context, { profile: judge, ...(select.model ? { model: select.model } : {}), prompt, options: {}, cwd: null });
      if (answer.state !== "succeeded") return answer;
      const verdict = parseVerdict(answer.output, eligible.map((c) => c.key));
      if (!verdict.ok) {
        return { state: "failed", error: verdict.error, output: answer.output, usage: answer.usage, retryable: true, detail: { mode: "judge", retryable: true } };
      }
      const winner = eligible.find((c) => c.key === verdict.winner)!;
      return { ...won(winner, { mode: "judge", verdict: answer.output }), usage: answer.usage };
    }
  }
}
