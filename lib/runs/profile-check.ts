/**
 * A run's profiles are checked when it starts, all of them: a run that would reach a step
 * whose agent is not installed (or whose profile is disabled or gone, or whose key variable is
 * unset) is refused up front with the whole list, instead of failing at that step after the
 * steps before it have spent their time and tokens.
 *
 * What is checked is what can be known without starting anything: the profile exists and is
 * enabled, its program is found (availability level "installed"; an OpenAI-compatible
 * endpoint is not called — see start-run.ts), and every `$VAR` its config refers to is set in
 * Baton's environment. Whether the agent then starts and signs in
 * stays the step's own business (a slow start is a retryable failure, not a refusal).
 * Availability answers are cached briefly (lib/profiles/availability.ts), so starting runs in
 * a row checks each profile once.
 */
import type { Availability } from "../agents/types";
import type { Executor } from "../db/client";
import type { AgentProfileRow } from "../db/schema";
import type { Plan } from "../engine/plan";
import { HttpError, type Issue } from "../http/errors";
import { picksWinner } from "../kinds";
import { keyReferences } from "../profiles/env";
import { findProfile } from "../profiles/repository";

export interface ProfileNeed {
  profile: string;
  /** The steps that run it: "plan", "build#1", "build (judge)". */
  steps: string[];
  /** The nodes those steps belong to, for the editor to point at. */
  nodeIds: string[];
}

/** Pure: every profile the plan's steps run, with who runs it, in plan order. */
export function profilesNeeded(plan: Pick<Plan, "steps">): ProfileNeed[] {
  const needs = new Map<string, ProfileNeed>();
  const add = (profile: string | undefined, step: string, nodeId: string) => {
    if (!profile) return;
    let need = needs.get(profile);
    if (!need) needs.set(profile, (need = { profile, steps: [], nodeIds: [] }));
    need.steps.push(step);
    if (!need.nodeIds.includes(nodeId)) need.nodeIds.push(nodeId);
  };
  for (const step of plan.steps) {
    const spec = step.spec;
    // A judge-mode select step carries its judge's profile in both places; it is one judge.
    if (picksWinner(spec)) {
      if (spec.select.mode === "judge") add(spec.select.profile, `${step.key} (judge)`, step.nodeId);
    } else if ("profile" in spec) add(spec.profile, step.key, step.nodeId);
  }
  return [...needs.values()];
}

/** Pure: the `$VAR`s a profile's config refers to (env values and apiKey) that `env` lacks or has empty. */
export function missingKeyVariables(config: Record<string, unknown>, env: Record<string, string | undefined>): string[] {
  return keyReferences(config).filter((name) => !env[name]);
}

export type InstalledCheck = (profile: AgentProfileRow) => Promise<Pick<Availability, "available" | "reason">>;

/** Why each needed profile can't run now (empty: all can). */
export async function profileProblems(
  db: Executor,
  needs: readonly ProfileNeed[],
  installed: InstalledCheck,
  env: Record<string, string | undefined> = process.env,
): Promise<Array<ProfileNeed & { reason: string }>> {
  const checked = await Promise.all(
    needs.map(async (need) => {
      const row = await findProfile(db, need.profile);
      if (!row) return { ...need, reason: "no such profile" };
      if (!row.enabled) return { ...need, reason: "the profile is disabled" };
      const missing = missingKeyVariables((row.config ?? {}) as Record<string, unknown>, env);
      if (missing.length > 0) return { ...need, reason: `key not set: ${missing.map((n) => `$${n}`).join(", ")} (set it in Baton's environment)` };
      const availability = await installed(row);
      return availability.available ? null : { ...need, reason: availability.reason };
    }),
  );
  return checked.filter((p) => p !== null);
}

/** Refuses (409, one issue per profile naming its steps) unless every profile the plan needs can run. */
export async function assertProfilesReadyOrThrow(db: Executor, plan: Pick<Plan, "steps">, installed: InstalledCheck): Promise<void> {
  const problems = await profileProblems(db, profilesNeeded(plan), installed);
  if (problems.length === 0) return;
  const issues: Issue[] = problems.map((p) => ({
    path: `profiles.${p.profile}`,
    message: `profile "${p.profile}" (used by ${p.steps.join(", ")}): ${p.reason}`,
    nodeId: p.nodeIds[0],
  }));
  throw new HttpError(
    "conflict",
    `the run needs ${problems.length === 1 ? "a profile that is" : `${problems.length} profiles that are`} not ready; nothing was started: ${issues.map((i) => i.message).join("; ")}`,
    issues,
  );
}

