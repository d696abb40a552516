/**
 * What a planned step runs: its spec (immutable per attempt, stored in steps.spec) and the
 * planner's output shape. Pure types + the zod schema that reads a spec back from the db.
 *
 * Key convention (see lib/db/schema.ts, steps.key): the node id for agent/fold/check/approval
 * nodes and for an arena's select step; "<node>#<i>" for arena contestant i. Downstream
 * steps depend on node ids, so an arena is seen from outside through its select step.
 */
import { z } from "zod";
import { NODE_KINDS, SELECT_MODES, FOLD_MODES, type NodeKind, type SelectConfig } from "../flow/document";

import { STEP_ROLES, type StepRole } from "../contract/run";
import { loopStepSchema } from "../kinds/loop/definition";
export { STEP_ROLES, type StepRole };

export const stepSpecSchema = z.object({
  kind: z.enum(NODE_KINDS),
  role: z.enum(STEP_ROLES),
  nodeId: z.string(),
  /** agent, contestant, fold "agent": the agent profile to run. */
  profile: z.string().optional(),
  model: z.string().optional(),
  /** Prompt template (rendered at execution time with upstream outputs). */
  prompt: z.string().optional(),
  /** Backend options from the node (merged over the profile's config). */
  options: z.record(z.string(), z.unknown()).optional(),
  workspace: z.enum(["code", "none"]),
  contestantIndex: z.number().int().optional(),
  select: z
    .object({
      mode: z.enum(SELECT_MODES),
      command: z.array(z.string()).optional(),
      profile: z.string().optional(),
      model: z.string().optional(),
      prompt: z.string().optional(),
    })
    .optional(),
  fold: z.object({ mode: z.enum(FOLD_MODES), separator: z.string().optional() }).optional(),
  /** check: argv, never a shell string. */
  command: z.array(z.string()).optional(),
  /** loop: the check, the rounds and each round's timeout (lib/kinds/loop). */
  loop: loopStepSchema.optional(),
  /** approval: shown to the approver. */
  message: z.string().optional(),
  /**
   * A review round (lib/review): the comments on the reviewed attempt's diff, rendered into
   * this attempt's prompt; the agent session to continue when the backend can load it.
   */
  review: z
    .object({
      round: z.number().int().min(1),
      reviewedAttempt: z.number().int().min(1),
      summary: z.string().optional(),
      sessionId: z.string().optional(),
      comments: z.array(z.object({ path: z.string(), line: z.number().int().optional(), body: z.string(), hunk: z.string().nullable() })),
    })
    .optional(),
  /** Direct upstream node ids in edge order (fold inputs, check working directory). */
  upstream: z.array(z.string()),
  retries: z.number().int().min(0),
});
export type StepSpec = z.infer<typeof stepSpecSchema>;

export interface PlannedStep {
  key: string;
  nodeId: string;
  kind: NodeKind;
  role: StepRole;
  /** Keys of the steps this one waits for. */
  dependsOn: string[];
  spec: StepSpec;
  maxAttempts: number;
  timeoutMs: number | null;
  requiredTags: string[];
}

export interface Plan {
  /** Declared inputs resolved with their defaults. */
  inputs: Record<string, string>;
  /** In topological order: every step comes after all of its dependencies. */
  steps: PlannedStep[];
}

export function contestantKey(nodeId: string, index: number): string {
  return `${nodeId}#${index}`;
}

export function profileTag(profile: string): string {
  return `profile:${profile}`;
}

export type { SelectConfig };
