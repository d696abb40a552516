/** Request bodies and queries of the Run API (zod at the boundary; errors name the field). */
import { z } from "zod";
import { PROFILE_ID_PATTERN } from "../kinds/fields";
import { RUN_STATUSES } from "../db/schema";
import { branchNameProblem } from "../git/branch-name";
import { WORKTREE_POLICIES } from "../git/worktree-policy";

export const startRunBodySchema = z.object({
  inputs: z.record(z.string(), z.unknown()).default({}),
  repo: z.string().min(1).max(4096).optional(),
  baseRef: z.string().min(1).max(255).optional(),
  /** Keep the steps' worktrees after the run ends (attempt refs stay either way). */
  keepWorktrees: z.boolean().optional(),
  /** What pooled worktrees keep between steps (lib/git/worktree-policy.ts); absent: profile default. */
  worktreePolicy: z.enum(WORKTREE_POLICIES).optional(),
  version: z.number().int().min(1).optional(),
  origin: z.enum(["ui", "api"]).optional(),
});
export type StartRunBody = z.infer<typeof startRunBodySchema>;

export const listRunsQuerySchema = z.object({
  flow: z.string().min(1).max(100).optional(),
  status: z.enum(RUN_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional(),
  /** Words that must all appear in the run's id, flow name or inputs (case-insensitive). */
  q: z.string().trim().max(200).optional(),
});
export type ListRunsQuery = z.infer<typeof listRunsQuerySchema>;

export const rerunStepBodySchema = z.object({
  prompt: z.string().min(1, "must not be empty").max(200_000).optional(),
  profile: z.string().regex(PROFILE_ID_PATTERN, "must be a profile id").optional(),
});
export type RerunStepBody = z.infer<typeof rerunStepBodySchema>;

export const selectBodySchema = z.object({
  winner: z.union([z.string().min(1).max(200), z.number().int().min(0)]),
});

export const rerunRunBodySchema = z.object({
  version: z.enum(["original", "current"]).default("original"),
});

export const checkoutBranchBodySchema = z.object({
  name: z.string().superRefine((name, context) => {
    const problem = branchNameProblem(name);
    if (problem) context.addIssue({ code: "custom", message: `not a valid branch name: ${problem}` });
  }),
  attempt: z.number().int().min(0).optional(),
});
