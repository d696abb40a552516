/**
 * What a loop step does (server only). One agent task whose follow-up turns are the rounds
 * (AgentTask.followUp): an ACP or demo agent keeps ONE session across them, so round 2's
 * agent has round 1's conversation and gets only the check's output as its next prompt.
 *
 * Per attempt, on a run with a repo:
 *   1. a worktree of its own at the attempt's start (the recorded start commit on a re-run or
 *      retry: execute-code.ts executeInWorktree does that, the live diffs and the final
 *      commit, release and publish);
 *   2. round n: the agent's turn (the rendered prompt, then the follow-up), then its changes
 *      are committed — the round's diff is against the previous round's commit; the commit is
 *      recorded as its own part of the round (`committing`) — then the check runs in the
 *      worktree on that commit;
 *   3. green check: the step succeeds with the last answer as its output; red: the next round,
 *      until `maxRounds`, then the step fails with the last check's output as its error.
 * Without a repo, rounds work in a scratch directory with no commits or diffs.
 *
 * Each round is recorded as it moves on (RoundLog: the running row's detail.rounds, fenced,
 * and a `loop-round` event). `roundTimeoutMs` bounds each agent turn and each check on its
 * own; a check that runs out of time is a red round, an agent turn that does fails the step.
 */
import { sql } from "drizzle-orm";
import { rows } from "../../db/client";
import { commitWorktreeOrThrow } from "../../git/commit-worktree";
import type { PreparedWorktree } from "../../git/prepare-worktree";
import type { AgentEvent, AgentResult } from "../../agents/types";
import { loadRunLineage } from "../../engine/code-workspace";
import { phaseEvent, type StepContext, type StepOutcome } from "../../engine/contract";
import { LIVE_DIFF_MAX_BYTES } from "../../engine/diff-watch";
import { executeInWorktree } from "../../engine/execute-code";
import { limitOutput, runAgent, summaryOf } from "../../engine/run-agent";
import { runCommand, tail } from "../../engine/run-command";
import type { KindExecutor } from "../executor-types";
import { renderStepPrompt } from "../../engine/step-data";
import { prepareWorkspace } from "../../engine/workspace";
import type { AgentProfileRow } from "../../db/schema";
import type { LoopStep, LoopStepSpec } from "./definition";
import { CHECK_OUTPUT_TAIL, exhaustedError, followUpPrompt, isGreen, ROUND_OUTPUT_LIMIT, withCommitted, withRound, withTurnEnded, type LoopRound } from "./rounds";

export const loopExecutor: KindExecutor<LoopStepSpec> = {
  execute: (context, spec) => executeLoop(context, spec),
};

async function executeLoop(context: StepContext, spec: LoopStepSpec): Promise<StepOutcome> {
  const loop = spec.loop;
  // The claim read the step's profile along (runAgent reads it itself otherwise).
  const prefetched = context.step.prefetchedProfile;
  const profile = prefetched && prefetched.id === spec.profile ? Promise.resolve(prefetched) : undefined;
  const prompt = await renderStepPrompt(context.db, context.step.runId, spec.prompt);
  context.recordPrompt(prompt);
  const rounds = (cwd: string, worktree: PreparedWorktree | null, observe?: (event: AgentEvent) => void) =>
    runRounds(context, { spec, loop, prompt, profile, cwd, worktree, ...(observe ? { observe } : {}) });
  const lineage = await loadRunLineage(context.db, context.step.runId, context.git);
  if (lineage) return executeInWorktree(context, spec, lineage, (prepared, observe) => rounds(prepared.path, prepared, observe));
  const cwd = await prepareWorkspace({ dataDir: context.dataDir, runId: context.step.runId, key: context.step.key, attempt: context.step.attempt, mode: "code" });
  context.emit(phaseEvent("agent"));
  return rounds(cwd!, null);
}

interface Rounds {
  spec: LoopStepSpec;
  loop: LoopStep;
  prompt: string;
  profile: Promise<AgentProfileRow | undefined> | undefined;
  cwd: string;
  /** The attempt's worktree (commits per round); null: a scratch directory. */
  worktree: PreparedWorktree | null;
  observe?: (event: AgentEvent) => void;
}

async function runRounds(context: StepContext, r: Rounds): Promise<StepOutcome> {
  const log = new RoundLog(context);
  let base = r.worktree?.startCommit ?? null;
  let round = log.begin(1);
  await log.save(round);
  let green = false;
  let broken: string | null = null;

  const followUp = async (turn: AgentResult): Promise<string | null> => {
    try {
      const worktree = r.worktree && base ? { path: r.worktree.path, ref: r.worktree.ref, base } : null;
      round = withTurnEnded(round, now(), tail(turn.output, ROUND_OUTPUT_LIMIT), worktree !== null);
      if (worktree) {
        // Committing is its own part of the round, saved as it begins: on a big repository the
        // commit and its diff take real time, and a page must not show it as the agent's.
        await log.save(round);
        context.emit(phaseEvent("committing"));
        const committed = await commitWorktreeOrThrow(worktree.path, roundMessage(context, round.round), worktree.base, {
          ref: worktree.ref,
          maxDiffBytes: LIVE_DIFF_MAX_BYTES,
          onDiffing: () => context.emit(phaseEvent("diffing")),
        });
        base = committed.resultCommit;
        round = withCommitted(round, now(), { commit: committed.resultCommit, diff: committed.diff, diffStats: committed.stats });
      }
      round = { ...round, check: { startedAt: now(), finishedAt: null, exitCode: null, signal: null, timedOut: false, output: "" } };
      await log.save(round);
      round = { ...round, check: await runCheck(context, r.loop, r.cwd, round.round) };
      await log.save(round);
      if (context.signal.aborted) return null;
      if (isGreen(round)) {
        green = true;
        return null;
      }
      if (round.round >= r.loop.maxRounds) return null;
      const next = followUpPrompt(round, r.loop.maxRounds, r.loop.command);
      round = log.begin(round.round + 1);
      await log.save(round);
      context.emit(phaseEvent("agent"));
      return next;
    } catch (error) {
      // A round that could not be recorded or committed ends the loop; the step says why.
      broken = `round ${round.round}: ${error instanceof Error ? error.message : String(error)}`;
      if (round.committing && round.committing.finishedAt === null) {
        round = { ...round, committing: { ...round.committing, finishedAt: now() } };
        await log.save(round).catch(() => {});
      }
      return null;
    }
  };

  const outcome = await runAgent(context, {
    profile: r.spec.profile,
    ...(r.spec.model ? { model: r.spec.model } : {}),
    prompt: r.prompt,
    options: r.spec.options,
    ...(r.profile ? { profileRow: r.profile } : {}),
    cwd: r.cwd,
    followUp,
    ...(r.loop.roundTimeoutMs ? { timeoutMs: r.loop.roundTimeoutMs } : {}),
    ...(r.observe ? { observe: r.observe } : {}),
  });
  // The agent's turn ended without reaching the check (failed, timed out, canceled).
  if (round.agent.finishedAt === null) {
    round = { ...round, agent: { ...round.agent, finishedAt: now(), output: outcome.state === "waiting" ? null : tail(outcome.output ?? "", ROUND_OUTPUT_LIMIT) } };
    await log.save(round).catch(() => {});
  }
  const detail = { rounds: log.rounds, profile: r.spec.profile };
  if (outcome.state === "waiting") return outcome;
  if (outcome.state !== "succeeded") return { ...outcome, detail: { ...outcome.detail, ...detail } } as StepOutcome;
  const output = limitOutput(outcome.output);
  const usage = outcome.usage ? { usage: outcome.usage } : {};
  if (broken) return { state: "failed", error: broken, output: output.output, ...usage, retryable: true, detail: { ...outcome.detail, ...detail, retryable: true } };
  if (context.signal.aborted) return { state: "canceled", output: output.output, ...usage, detail: { ...outcome.detail, ...detail } };
  if (green) {
    const summary = `check passed on round ${round.round} of ${r.loop.maxRounds}${outcome.output.trim() ? `: ${summaryOf(outcome.output)}` : ""}`;
    return { state: "succeeded", ...output, summary, ...usage, detail: { ...outcome.detail, ...detail }, worktree: r.cwd };
  }
  // Out of rounds; another attempt starts over from the recorded start commit.
  return {
    state: "failed",
    error: exhaustedError(round, r.loop.maxRounds, r.loop.command),
    output: output.output,
    ...usage,
    retryable: true,
    detail: { ...outcome.detail, ...detail, retryable: true },
  };
}

/** The check of one round, in the loop's directory, bounded by the round's timeout. */
async function runCheck(context: StepContext, loop: LoopStep, cwd: string, round: number): Promise<NonNullable<LoopRound["check"]>> {
  const startedAt = now();
  const timeout = loop.roundTimeoutMs ? AbortSignal.timeout(loop.roundTimeoutMs) : null;
  const signal = timeout ? AbortSignal.any([context.signal, timeout]) : context.signal;
  context.emit(phaseEvent("command"));
  context.emit({ type: "log-line", data: { stream: "info", text: `round ${round}: $ ${loop.command.join(" ")}  (in ${cwd})` } });
  const result = await runCommand(loop.command, { cwd, signal, emit: context.emit });
  const joined = result.stderr ? `${result.stdout}${result.stdout && !result.stdout.endsWith("\n") ? "\n" : ""}${result.stderr}` : result.stdout;
  return {
    startedAt,
    finishedAt: now(),
    // A command that could not start is a red round that says why (the agent may fix it).
    exitCode: result.spawnError ? 127 : result.exitCode,
    signal: result.signal,
    timedOut: Boolean(timeout?.aborted) && !context.signal.aborted,
    output: tail(result.spawnError ? `${result.spawnError}\n${joined}` : joined, CHECK_OUTPUT_TAIL),
  };
}

/** The rounds of this attempt so far, written to its running row (fenced) and sent as events. */
class RoundLog {
  rounds: LoopRound[] = [];
  constructor(private readonly context: StepContext) {}

  begin(number: number): LoopRound {
    return {
      attempt: this.context.step.attempt,
      round: number,
      agent: { startedAt: now(), finishedAt: null, output: null },
      committing: null,
      commit: null,
      diff: null,
      diffStats: null,
      check: null,
    };
  }

  async save(round: LoopRound): Promise<void> {
    this.rounds = withRound(this.rounds, round);
    const { id, fence } = this.context.step;
    // The row first, then the event: a page that reads the row after the event sees the round
    // in both, and replacing a round by its number makes applying it twice harmless.
    await rows(
      this.context.db,
      sql`update steps set detail = ${JSON.stringify({ rounds: this.rounds })}::jsonb, updated_at = now()
          where id = ${id} and fence = ${fence} and state = 'running'`,
    );
    this.context.emit({ type: "loop-round", data: round });
  }
}

function roundMessage(context: StepContext, round: number): string {
  return `Baton: ${context.step.key} round ${round} (run ${context.step.runId}, attempt ${context.step.attempt})`;
}

const now = () => new Date().toISOString();
