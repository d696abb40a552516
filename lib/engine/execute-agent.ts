/**
 * Runs the agent task of a step (an agent node, an arena contestant, a fold "agent"): renders
 * the prompt with the run's inputs and upstream outputs, adds a review round's comments, and
 * runs the profile — in a worktree of its own on a run with a repo (execute-code.ts), else
 * in a scratch directory (workspace "code") or none.
 */
import type { z } from "zod";
import { phaseEvent, type StepContext, type StepOutcome } from "./contract";
import { recordPrompt, runAgent } from "./run-agent";
import { renderStepPrompt } from "./step-data";
import { prepareWorkspace } from "./workspace";
import { loadRunLineage } from "./code-workspace";
import { executeAgentInWorktree } from "./execute-code";
import type { StepRole } from "../contract/run";
import type { reviewSchema } from "../kinds/define";
import { findProfile } from "../profiles/repository";
import { promptWithReview, renderReview } from "../review/render-review";
import type { AgentProfileRow } from "../db/schema";

/** What a step that runs one agent task carries in its spec. */
export interface AgentTaskSpec {
  role: StepRole;
  upstream: string[];
  workspace: "code" | "none";
  profile: string;
  model?: string;
  /** The prompt template. */
  prompt: string;
  options: Record<string, unknown>;
  review?: z.output<typeof reviewSchema>;
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

export async function executeAgentTask(context: StepContext, spec: AgentTaskSpec): Promise<StepOutcome> {
  // The profile row is read alongside the run's inputs and upstream steps (runAgent checks it
  // exactly as if it had read it itself).
  const profile = handled(profileOf(context, spec.profile));
  const rendered = await renderStepPrompt(context.db, context.step.runId, spec.prompt);
  // A review round: the task again with the comments, or (an agent that continues its
  // session) the comments alone; either way the attempt's detail keeps the round.
  const review = spec.review;
  const prompt = review ? promptWithReview(rendered, review) : rendered;
  recordPrompt(context, prompt);
  const agentRun = {
    profile: spec.profile,
    ...(spec.model ? { model: spec.model } : {}),
    prompt,
    options: spec.options,
    profileRow: profile,
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
