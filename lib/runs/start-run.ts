/**
 * Starting runs: a new run of a flow version (pinned: the version is resolved now and stored),
 * or a whole re-run of an earlier run on its original or the flow's current version.
 */
import { isWorktreePolicy, type WorktreePolicy } from "../git/worktree-policy";
import type { Db } from "../db/client";
import { createRunOrThrow } from "../engine/create-run";
import { resolveInputs } from "../engine/inputs";
import { plan } from "../engine/plan";
import { findFlow, findVersion } from "../flows/repository";
import { resolveRunRepoOrThrow, runRepoTag } from "../git/run-repo";
import type { Plan } from "../engine/plan";
import { HttpError, notFound, requestErrorOfGit } from "../http/errors";
import { checkProfileAvailability } from "../profiles/availability";
import { lookupBackend } from "../profiles/backends";
import { assertProfilesReadyOrThrow, type InstalledCheck } from "./profile-check";
import { getRunOrThrow, type RunDetail } from "./queries";

/**
 * The start-time check of a profile: the "installed" level, which starts nothing
 * (profile-check.ts). An OpenAI-compatible endpoint has nothing installed: whether it answers
 * (and lists the model) is its step's business — a server may come up later, and a run's
 * start must not wait on a network timeout.
 */
const installedCheck: InstalledCheck = async (profile) =>
  profile.backend === "openai"
    ? { available: true, reason: "an endpoint: checked by its step" }
    : checkProfileAvailability(profile, { lookup: lookupBackend, level: "installed" });

export interface StartRunInput {
  flowId: string;
  inputs: Record<string, unknown>;
  version?: number;
  repo?: string | null;
  baseRef?: string | null;
  /** "ui", "api" or "mcp". */
  origin: string;
  parentRunId?: string;
  keepWorktrees?: boolean;
  /** What pooled worktrees keep between this run's steps; absent: each step's profile default. */
  worktreePolicy?: WorktreePolicy;
}

const FINISHED: readonly string[] = ["succeeded", "failed", "canceled"];

/** Steps require "profile:<id>" worker tags only when asked to (see engine/plan.ts). */
const profileTags = () => process.env.BATON_REQUIRE_PROFILE_TAGS === "1";

/**
 * The run's repository, confined and resolved by lib/git (absolute, existing, a git work
 * tree's top level, inside BATON_REPO_ROOTS; symlinks resolved) with its base commit; or a
 * repository name from BATON_REPO_MAP, resolved the same way through this process's clone.
 * A refusal caused by the request's value is a 400 naming the field.
 */
async function resolveRepoForRunOrThrow(repo: string | null | undefined, baseRef: string | null | undefined) {
  if (!repo) {
    if (baseRef) throw new HttpError("validation_failed", "invalid body: baseRef: needs a repo", [{ path: "baseRef", message: "needs a repo" }]);
    return { repo: null, baseCommit: null };
  }
  try {
    return await resolveRunRepoOrThrow(repo, baseRef ?? "HEAD");
  } catch (error) {
    throw requestErrorOfGit(error);
  }
}

export async function startRunOrThrow(db: Db, input: StartRunInput): Promise<RunDetail> {
  const flow = await findFlow(db.orm, input.flowId);
  if (!flow) throw notFound(`flow "${input.flowId}"`);
  const versionNumber = input.version ?? flow.latestVersion;
  const version = await findVersion(db.orm, input.flowId, versionNumber);
  if (!version) throw notFound(`flow "${input.flowId}" version ${versionNumber}`);
  const resolved = resolveInputs(version.document, input.inputs);
  if (!resolved.ok) {
    throw new HttpError(
      "validation_failed",
      `invalid inputs: ${resolved.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      resolved.issues,
    );
  }
  const resolvedRepo = await resolveRepoForRunOrThrow(input.repo, input.baseRef);
  const planned = withRepoTag(plan(version.document, input.inputs, { profileTags: profileTags() }), resolvedRepo.repo);
  // Every profile the run needs, checked before anything is written: refused with the list.
  await assertProfilesReadyOrThrow(db.orm, planned, installedCheck);
  const created = await createRunOrThrow(db.orm, {
    flowId: input.flowId,
    flowVersion: versionNumber,
    plan: planned,
    repo: resolvedRepo.repo,
    baseRef: input.baseRef ?? null,
    baseCommit: resolvedRepo.baseCommit,
    origin: input.origin,
    parentRunId: input.parentRunId ?? null,
    keepWorktrees: input.keepWorktrees ?? false,
    worktreePolicy: input.worktreePolicy ?? null,
  });
  return getRunOrThrow(db.orm, created.runId);
}

/** Runs an earlier run again from scratch, with its inputs, on its original or the current version. */
export async function rerunRunOrThrow(db: Db, runId: string, options: { version?: "original" | "current" } = {}): Promise<RunDetail> {
  const previous = await getRunOrThrow(db.orm, runId);
  // Two live runs of the same work would race on the same repo and spend the agents twice.
  if (!FINISHED.includes(previous.status)) {
    throw new HttpError("conflict", `run "${runId}" is still ${previous.status}; cancel it or wait for it to end before re-running it as a whole`);
  }
  let version = previous.flowVersion;
  if (options.version === "current") {
    const flow = await findFlow(db.orm, previous.flowId);
    if (!flow) throw new HttpError("conflict", `flow "${previous.flowId}" was deleted; re-run on the original version instead`);
    version = flow.latestVersion;
  }
  const document = (await findVersion(db.orm, previous.flowId, version))?.document;
  if (!document) throw notFound(`flow "${previous.flowId}" version ${version}`);
  // The current version may declare different inputs: carry over the ones it still declares.
  const declared = new Set(document.inputs.map((i) => i.name));
  const inputs = Object.fromEntries(Object.entries(previous.inputs).filter(([name]) => declared.has(name)));
  const resolved = resolveInputs(document, inputs);
  if (!resolved.ok) {
    throw new HttpError("conflict", `version ${version} needs inputs the original run lacks: ${resolved.issues.map((i) => i.message).join("; ")}`, resolved.issues);
  }
  const planned = withRepoTag(plan(document, inputs, { profileTags: profileTags() }), previous.repo);
  await assertProfilesReadyOrThrow(db.orm, planned, installedCheck);
  const created = await createRunOrThrow(db.orm, {
    flowId: previous.flowId,
    flowVersion: version,
    plan: planned,
    repo: previous.repo,
    baseRef: previous.baseRef,
    // The same starting point, so a whole re-run is comparable with the original.
    baseCommit: previous.baseCommit,
    origin: previous.origin,
    parentRunId: previous.id,
    keepWorktrees: previous.keepWorktrees,
    worktreePolicy: isWorktreePolicy(previous.worktreePolicy) ? previous.worktreePolicy : null,
  });
  return getRunOrThrow(db.orm, created.runId);
}

/**
 * A run naming its repository (not a path) is served only by workers holding a clone of it:
 * every step requires the "repo:<name>" tag those workers advertise (BATON_REPO_MAP).
 */
function withRepoTag(planned: Plan, repo: string | null): Plan {
  const tag = runRepoTag(repo);
  if (!tag) return planned;
  return { ...planned, steps: planned.steps.map((step) => ({ ...step, requiredTags: [...new Set([...step.requiredTags, tag])] })) };
}
