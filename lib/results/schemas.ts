/**
 * The wire contract of a run's result (GET /api/runs/:id/result, MCP get_run, the result
 * card) and of the actions on it. One zod schema each, used by the route handlers (bodies),
 * by tests (responses) and by the browser client (parsing what the server sent).
 */
import { z } from "zod";
import { RUN_STATUSES } from "../db/schema";

const commit = z.string().regex(/^[0-9a-f]{40,64}$/);
const stats = z.object({ files: z.number().int(), additions: z.number().int(), deletions: z.number().int() });

export const resultFileSchema = z.object({
  path: z.string(),
  oldPath: z.string().optional(),
  status: z.string(),
  additions: z.number().int(),
  deletions: z.number().int(),
  binary: z.boolean(),
});

export const MERGE_STATES = ["fast-forward", "merge", "up-to-date", "conflict", "no-branch"] as const;

export const runResultSchema = z.object({
  runId: z.string(),
  runStatus: z.enum(RUN_STATUSES),
  /**
   * ready: `commit` is the result; none: nothing to take (no repo, no step changed code yet,
   * or the run's refs were deleted; `reason` says which); conflict: the sinks' results don't merge (`conflict` names
   * the paths).
   */
  state: z.enum(["ready", "none", "conflict"]),
  /** The run did not (or not yet) succeed: this is what succeeded so far. */
  partial: z.boolean(),
  reason: z.string().nullable(),
  /** When the run's refs were deleted (its result is then never offered), else null. */
  refsDeletedAt: z.string().nullable(),
  repo: z.string().nullable(),
  baseRef: z.string().nullable(),
  baseCommit: commit.nullable(),
  commit: commit.nullable(),
  /** Baton's ref holding the result (refs/baton/<run>/result), out of the branch list. */
  ref: z.string().nullable(),
  /** The user's branches that point at the result commit. */
  branches: z.array(z.string()),
  sources: z.array(z.object({ nodeId: z.string(), key: z.string(), commit })),
  /** The steps whose work the result carries, in order: one patch each in the export. */
  steps: z.array(z.object({ key: z.string(), nodeId: z.string(), attempt: z.number().int(), profile: z.string().nullable(), commit })),
  conflict: z.object({ paths: z.array(z.string()), conflictingCommit: commit, mergedCommits: z.array(commit) }).nullable(),
  /** The combined diff base → result. */
  stats: stats.nullable(),
  files: z.array(resultFileSchema),
  diff: z.string().nullable(),
  diffTruncated: z.boolean(),
  /** What "Merge into <base>" would do now. */
  merge: z
    .object({
      into: z.string().nullable(),
      tip: commit.nullable(),
      state: z.enum(MERGE_STATES),
      paths: z.array(z.string()),
      checkout: z.object({ path: z.string(), dirtyPaths: z.array(z.string()) }).nullable(),
    })
    .nullable(),
  remotes: z.array(z.object({ name: z.string(), url: z.string() })),
});
export type RunResult = z.infer<typeof runResultSchema>;

const branchName = z.string().trim().min(1, "must not be empty").max(200);

export const createBranchBodySchema = z.object({ name: branchName });
export type CreateBranchBody = z.infer<typeof createBranchBodySchema>;

export const mergeBodySchema = z.object({
  /** The branch to merge into; default the run's base branch. */
  into: branchName.optional(),
});
export type MergeBody = z.infer<typeof mergeBodySchema>;

export const pushBodySchema = z.object({
  remote: z.string().trim().min(1, "must not be empty").max(200).default("origin"),
  branch: branchName,
});
export type PushBody = z.infer<typeof pushBodySchema>;

export const branchResponseSchema = z.object({ branch: z.string(), commit });
export const mergeResponseSchema = z.object({
  into: z.string(),
  mode: z.enum(["fast-forward", "merge", "up-to-date"]),
  before: commit,
  after: commit,
  /** The checkout of `into` that moved with it, when it was checked out. */
  checkout: z.string().nullable(),
});
export const pushResponseSchema = z.object({
  remote: z.string(),
  url: z.string(),
  branch: z.string(),
  commit,
  compareUrl: z.string().nullable(),
});
export type MergeResponse = z.infer<typeof mergeResponseSchema>;
export type PushResponse = z.infer<typeof pushResponseSchema>;
