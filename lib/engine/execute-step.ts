/**
 * Engine.executeStep: what one step attempt does, by node kind and role.
 * - agent / arena contestant: render the prompt with upstream outputs, run the profile;
 * - arena select: see execute-select.ts;
 * - fold concat: join the inputs' outputs under headings; fold agent: run the synthesis prompt;
 * - check: run the argv command (where: see below); exit code 0 passes; stdout/stderr are
 *   the output and detail;
 * - approval: waits for a person;
 * - loop: agent rounds with a check after each, in one session (lib/kinds/loop/executor.ts).
 *
 * Where code steps work (workspace "code"):
 * - the run names a repo: a git worktree per attempt (execute-code.ts, code-workspace.ts),
 *   started from the base commit / upstream result commit / merge of several, committed at
 *   the end; a check runs in the upstream step's worktree, or a fresh one at its commit;
 * - no repo: a scratch directory per attempt under the data dir (no git, no diff); a check
 *   runs in the upstream step's scratch dir, else a scratch dir of its own.
 * Workspace "none": no directory at all (cwd null).
 * Cancellation arrives through `context.signal` (the dispatcher turns cancel requests and
 * timeouts into aborts and decides the final outcome from the reason).
 */
import { phaseEvent, type StepContext, type StepOutcome } from "./contract";
import { executeSelect } from "./execute-select";
import { concatOutputs } from "./render";
import { limitOutput, recordPrompt, runAgent } from "./run-agent";
import { runCommand, tail } from "./run-command";
import { stepSpecSchema, type StepSpec } from "./spec";
import { loadNodeSteps, loadRunInfo, renderStepPrompt } from "./step-data";
import { prepareWorkspace, scratchDir } from "./workspace";
import { loadRunLineage, releaseWorktree, worktreeFailure } from "./code-workspace";
import { checkLocationOrThrow, concatCommit, executeAgentInWorktree, type CheckLocation } from "./execute-code";
import { findProfile } from "../profiles/repository";
import { promptWithReview, renderReview } from "../review/render-review";
import { newWaitpointToken } from "../review/waitpoint";
import type { AgentProfileRow } from "../db/schema";
import { executeLoop } from "../kinds/loop/executor";

export async function executeStep(context: StepContext): Promise<StepOutcome> {
  const parsed = stepSpecSchema.safeParse(context.step.spec);
  if (!parsed.success) {
    return { state: "failed", error: `step spec is invalid: ${parsed.error.issues[0]?.message}`, retryable: false, detail: { retryable: false } };
  }
  const spec = parsed.data;
  // An agent step's profile row comes with the claim (or is read alongside the run's inputs
  // and upstream steps); runAgent checks it exactly as if it had read it itself.
  const runsAgent = spec.role !== "select" && (spec.kind === "agent" || spec.kind === "arena" || (spec.kind === "fold" && spec.fold?.mode === "agent"));
  const profile = runsAgent && spec.profile ? handled(profileOf(context, spec.profile)) : undefined;
  if (spec.role === "select") {
    const [run, loaded] = await Promise.all([
      loadRunInfo(context.db, context.step.runId),
      loadNodeSteps(context.db, context.step.runId, [spec.nodeId]),
    ]);
    return executeSelect(context, spec, run, loaded.filter((s) => s.role === "contestant"));
  }
  switch (spec.kind) {
    case "agent":
    case "arena":
      return executeAgent(context, spec, spec.prompt ?? "", profile);
    case "fold":
      if (spec.fold?.mode === "agent") return executeAgent(context, spec, spec.prompt ?? "", profile);
      return executeConcat(context, spec);
    case "check":
      return executeCheck(context, spec);
    case "loop":
      return executeLoop(context, { ...spec, profile: spec.profile ?? "", prompt: spec.prompt ?? "", options: spec.options ?? {}, loop: spec.loop! });
    case "approval":
      return { state: "waiting", detail: { message: spec.message ?? "Approve to continue.", waitpoint: newWaitpointToken() } };
  }
}

/** The claim usually read the profile along with the step; else read it now. */
function profileOf(context: StepContext, id: string): Promise<AgentProfileRow | undefined> {
  const prefetched = context.step.prefetchedProfile;
  if (prefetched === null) return Promise.resolve(undefined);
  if (prefetched && prefetched.id === id) return Promise.resolve(prefetched);
  return findProfile(context.db, id);
}

/** Marks a prefetch as handled, so returning before awaiting it is no unhandled rejection; awaiting it still throws. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

async function executeAgent(
  context: StepContext,
  spec: StepSpec,
  template: string,
  profile: Promise<AgentProfileRow | undefined> | undefined,
): Promise<StepOutcome> {
  const rendered = await renderStepPrompt(context.db, context.step.runId, template);
  // A review round: the task again with the comments, or (an agent that continues its
  // session) the comments alone; either way the attempt's detail keeps the round.
  const review = spec.review;
  const prompt = review ? promptWithReview(rendered, review) : rendered;
  recordPrompt(context, prompt);
  const agentRun = {
    profile: spec.profile!,
    ...(spec.model ? { model: spec.model } : {}),
    prompt,
    options: spec.options ?? {},
    ...(profile ? { profileRow: profile } : {}),
    ...(review?.sessionId ? { resume: { sessionId: review.sessionId, prompt: renderReview(review) } } : {}),
  };
  const withRound = (outcome: StepOutcome): StepOutcome =>
    review && outcome.state !== "waiting" ? { ...outcome, detail: { ...outcome.detail, review } } as StepOutcome : outcome;
  if (spec.workspace === "code") {
    const lineage = await loadRunLineage(context.db, context.step.runId, context.git);
    if (lineage) return withRound(await executeAgentInWorktree(context, spec, lineage, agentRun));
  }
  const cwd = await prepareWorkspace({
    dataDir: context.dataDir,
    runId: context.step.runId,
    key: context.step.key,
    attempt: context.step.attempt,
    mode: spec.workspace,
  });
  context.emit(phaseEvent("agent"));
  return withRound(await runAgent(context, { ...agentRun, cwd }));
}

async function executeConcat(context: StepContext, spec: StepSpec): Promise<StepOutcome> {
  const loaded = await loadNodeSteps(context.db, context.step.runId, spec.upstream);
  const byNode = new Map(loaded.filter((s) => s.role !== "contestant").map((s) => [s.nodeId, s]));
  const inputs = spec.upstream.map((id) => byNode.get(id)).filter((s) => s !== undefined);
  const output = limitOutput(concatOutputs(inputs, spec.fold?.separator));
  const lineage = await loadRunLineage(context.db, context.step.runId, context.git);
  const commit = lineage ? await concatCommit(context, spec, lineage) : {};
  if (commit.state === "failed") return commit;
  return { state: "succeeded", ...output, summary: `${inputs.length} inputs joined`, detail: { mode: "concat", inputs: spec.upstream }, ...commit };
}

async function executeCheck(context: StepContext, spec: StepSpec): Promise<StepOutcome> {
  const argv = spec.command ?? [];
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
}
