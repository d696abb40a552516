/**
 * A check step: runs its argv command (never a shell string) where the upstream result is —
 * the upstream step's worktree while it exists, else a worktree of its own at that commit
 * (runs with a repo), else the upstream step's scratch dir or one of its own. Exit code 0
 * passes; stdout/stderr are the output and detail.
 */
import type { KindExecutor } from "../executor-types";
import { phaseEvent, type StepOutcome } from "../../engine/contract";
import { loadRunLineage, releaseWorktree, worktreeFailure } from "../../engine/code-workspace";
import { checkLocationOrThrow, type CheckLocation } from "../../engine/execute-code";
import { runCommand, tail } from "../../engine/run-command";
import { loadNodeSteps } from "../../engine/step-data";
import { scratchDir } from "../../engine/workspace";
import type { CheckStep } from "./definition";

export const checkExecutor: KindExecutor<CheckStep> = {
  async execute(context, spec): Promise<StepOutcome> {
    const argv = spec.command;
    const lineage = await loadRunLineage(context.db, context.step.runId, context.git);
    let located: CheckLocation | null = null;
    if (lineage) {
      context.emit(phaseEvent("preparing"));
      try {
        located = await checkLocationOrThrow(context, spec, lineage);
      } catch (error) {
        return worktreeFailure(error);
      }
    }
    const upstream = lineage ? [] : await loadNodeSteps(context.db, context.step.runId, spec.upstream);
    const worktree = located?.cwd ?? upstream.find((s) => s.role !== "contestant" && s.worktree)?.worktree;
    const cwd = worktree ?? (await scratchDir(context.dataDir, context.step.runId, `${context.step.key}-${context.step.attempt}`));
    const lineageFields = located
      ? { startCommit: located.startCommit, ...(located.branch ? { branch: located.branch } : {}) }
      : {};
    context.emit(phaseEvent("command"));
    context.emit({ type: "log-line", data: { stream: "info", text: `$ ${argv.join(" ")}  (in ${cwd})` } });
    const result = await runCommand(argv, { cwd, signal: context.signal, emit: context.emit });
    // A worktree of the check's own (not the upstream step's) serves the next step once it ran.
    if (lineage && located && !located.shared) await releaseWorktree(context, lineage, located.cwd);
    if (result.aborted) return { state: "canceled", output: result.stdout };
    const output = result.stderr ? `${result.stdout}${result.stdout && !result.stdout.endsWith("\n") ? "\n" : ""}${result.stderr}` : result.stdout;
    const detail = { command: argv, cwd, exitCode: result.exitCode, signal: result.signal, stdout: tail(result.stdout), stderr: tail(result.stderr) };
    if (result.spawnError) {
      return { state: "failed", error: result.spawnError, output, retryable: false, detail: { ...detail, retryable: false }, ...lineageFields };
    }
    if (result.exitCode === 0) {
      // A check passes the commit it checked through, so steps below it start from that commit.
      const checked = located ? { resultCommit: located.startCommit } : {};
      return { state: "succeeded", output, summary: `exit 0: ${argv.join(" ")}`, detail, ...(worktree ? { worktree } : {}), ...lineageFields, ...checked };
    }
    const why = result.exitCode === null ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
    const stderr = result.stderr.trim() ? `: ${tail(result.stderr.trim(), 1000)}` : "";
    return { state: "failed", error: `${argv.join(" ")} ${why}${stderr}`, output, retryable: true, detail: { ...detail, retryable: true }, ...lineageFields };
  },
};
