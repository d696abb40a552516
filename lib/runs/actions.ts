/**
 * What people do to a run: cancel it, re-run one step (optionally with another prompt or
 * profile), approve a waiting approval, pick an arena's winner. Each is ONE transaction:
 * the reducer decides (or refuses with a reason → 409), the decisions are written, and
 * steps that became ready are NOTIFYed before commit. An action that ends the run removes its
 * worktrees and scratch dirs after that transaction (engine/run-cleanup.ts).
 */
import { sql } from "drizzle-orm";
import { dataDir as defaultDataDir, rows, type Db, type Executor } from "../db/client";
import { cleanupRunIfFinished } from "../engine/run-cleanup";
import { applyRunEvent } from "../engine/apply-run-event";
import type { RunEvent } from "../engine/reducer";
import { rerunChangesOf, type StepSpec } from "../kinds";
import { contestantKey } from "../kinds/arena/definition";
import { profileTag } from "../kinds/define";
import { findVersion } from "../flows/repository";
import { referenceScopeOf, templateIssues } from "../flow/validate";
import { HttpError, notFound } from "../http/errors";
import { findProfile } from "../profiles/repository";
import { getRunOrThrow, type RunDetail } from "./queries";
import { refsDeletedRefusal, type RefsAction } from "./refs-deleted";
import type { RerunStepBody } from "./schemas";

export interface StepRef {
  id: string;
  key: string;
  nodeId: string;
  kind: string;
  role: string;
  spec: StepSpec;
  requiredTags: string[];
}

const json = <T>(value: unknown): T => (typeof value === "string" ? JSON.parse(value) : value) as T;

/** A step of the run by id, or by key ("build#1") for callers that only know the flow. */
export async function findStepOrThrow(tx: Executor, runId: string, stepIdOrKey: string): Promise<StepRef> {
  const [raw] = await rows<{ id: string; key: string; node_id: string; kind: string; role: string; spec: unknown; required_tags: unknown }>(
    tx,
    sql`select id, key, node_id, kind, role, spec, required_tags from steps
        where run_id = ${runId} and (id = ${stepIdOrKey} or key = ${stepIdOrKey})
        order by (id = ${stepIdOrKey}) desc limit 1`,
  );
  if (!raw) {
    const [run] = await rows<{ id: string }>(tx, sql`select id from runs where id = ${runId}`);
    throw notFound(run ? `step "${stepIdOrKey}" in run "${runId}"` : `run "${runId}"`);
  }
  return {
    id: raw.id,
    key: raw.key,
    nodeId: raw.node_id,
    kind: raw.kind,
    role: raw.role,
    spec: json<StepSpec>(raw.spec),
    requiredTags: json<string[]>(raw.required_tags),
  };
}

/**
 * Refuses (409, naming the date) an action that needs the run's commits once its refs were
 * deleted: the same rule the run page disables the action by (refs-deleted.ts).
 */
export async function assertRefsKeptOrThrow(tx: Executor, runId: string, action: RefsAction): Promise<void> {
  const [run] = await rows<{ repo: string | null; refs_deleted_at: Date | string | null }>(tx, sql`select repo, refs_deleted_at from runs where id = ${runId}`);
  if (!run) throw notFound(`run "${runId}"`);
  const refusal = refsDeletedRefusal({ repo: run.repo, refsDeletedAt: run.refs_deleted_at === null ? null : new Date(run.refs_deleted_at).toISOString() }, action);
  if (refusal) throw new HttpError("conflict", refusal);
}

export async function applyOrThrow(tx: Executor, runId: string, event: RunEvent): Promise<void> {
  const result = await applyRunEvent(tx, runId, event);
  if (!result.ok) {
    throw result.reason === "not-found" ? notFound(`run "${runId}"`) : new HttpError("conflict", result.message);
  }
  // applyCommands NOTIFYed the steps it readied, in this transaction.
}

/** After a committed action: the run's files go if the action ended it. Never throws. */
export async function cleanupIfEnded(db: Db, runId: string, dataDir: string): Promise<void> {
  await cleanupRunIfFinished(db.orm, dataDir, runId).catch((error: unknown) => {
    console.error(`[baton] cleaning up run ${runId} failed: ${error instanceof Error ? error.message : String(error)}`);
  });
}

export async function cancelRunOrThrow(db: Db, runId: string, dataDir: string = defaultDataDir()): Promise<RunDetail> {
  await db.orm.transaction((tx) => applyOrThrow(tx, runId, { type: "cancel-run" }));
  await cleanupIfEnded(db, runId, dataDir);
  return getRunOrThrow(db.orm, runId);
}

export async function approveStepOrThrow(db: Db, runId: string, stepId: string, dataDir: string = defaultDataDir()): Promise<RunDetail> {
  await db.orm.transaction(async (tx) => {
    const step = await findStepOrThrow(tx, runId, stepId);
    await applyOrThrow(tx, runId, { type: "approve", key: step.key });
  });
  await cleanupIfEnded(db, runId, dataDir);
  return getRunOrThrow(db.orm, runId);
}

/** `winner`: a contestant key ("build#1") or its index (1). */
export async function selectWinnerOrThrow(
  db: Db,
  runId: string,
  stepId: string,
  winner: string | number,
  dataDir: string = defaultDataDir(),
): Promise<RunDetail> {
  await db.orm.transaction(async (tx) => {
    const step = await findStepOrThrow(tx, runId, stepId);
    if (step.role !== "select") throw new HttpError("conflict", `step "${step.key}" is not an arena's select step`);
    const key = typeof winner === "number" || /^\d+$/.test(winner) ? contestantKey(step.nodeId, Number(winner)) : winner;
    const contestants = await rows<{ key: string }>(
      tx,
      sql`select key from steps where run_id = ${runId} and node_id = ${step.nodeId} and role = 'contestant' order by key`,
    );
    if (!contestants.some((c) => c.key === key)) {
      const message = `"${winner}" is not a contestant of "${step.key}" (contestants: ${contestants.map((c) => c.key).join(", ")})`;
      throw invalid("winner", message);
    }
    await applyOrThrow(tx, runId, { type: "select-winner", key: step.key, winner: key });
  });
  await cleanupIfEnded(db, runId, dataDir);
  return getRunOrThrow(db.orm, runId);
}

function invalid(field: string, message: string): HttpError {
  return new HttpError("validation_failed", `invalid body: ${field}: ${message}`, [{ path: field, message }]);
}

/**
 * The spec a re-run with another prompt or profile runs: the step's agent task with them, or
 * a judge-mode select's judge. Null: the step takes no changes (`rerunChangesOf`, the rule the
 * run page offers the action by). Pure.
 */
export function specWithOverrides(spec: StepSpec, body: RerunStepBody): StepSpec | null {
  if (!rerunChangesOf({ kind: spec.kind, role: spec.role, spec })) return null;
  const profile = body.profile ? { profile: body.profile } : {};
  const prompt = body.prompt ? { prompt: body.prompt } : {};
  if (spec.kind === "arena" && spec.role === "select") return { ...spec, select: { ...spec.select, ...profile, ...prompt }, ...profile };
  // The last review round's comments were about the attempt being replaced (a kind without
  // review rounds, such as the loop, has none to drop).
  if ("review" in spec) return { ...spec, review: undefined, ...profile, ...prompt };
  return { ...spec, ...profile, ...prompt };
}

/** The step's spec with a re-run's prompt/profile override applied (validated). */
async function overriddenSpecOrThrow(tx: Executor, runId: string, step: StepRef, body: RerunStepBody): Promise<StepSpec | null> {
  if (body.prompt === undefined && body.profile === undefined) return null;
  const spec = specWithOverrides(step.spec, body);
  if (!spec) {
    const field = body.prompt !== undefined ? "prompt" : "profile";
    const select = step.spec.kind === "arena" && step.spec.role === "select" ? ` select ${step.spec.select.mode}` : "";
    throw invalid(field, `step "${step.key}" (${step.kind}${select}) runs no agent prompt`);
  }
  if (body.profile !== undefined && !(await findProfile(tx, body.profile))) throw invalid("profile", `unknown profile "${body.profile}"`);
  if (body.prompt !== undefined) {
    // The flow validator's own reference rule, against the version this run was planned from.
    const [run] = await rows<{ flow_id: string; flow_version: number }>(tx, sql`select flow_id, flow_version from runs where id = ${runId}`);
    const version = await findVersion(tx, run.flow_id, run.flow_version);
    if (!version) throw notFound(`flow "${run.flow_id}" version ${run.flow_version}`);
    const flow = version.document;
    const [issue] = templateIssues(body.prompt, referenceScopeOf(flow, step.nodeId));
    if (issue) throw invalid("prompt", issue);
  }
  return spec;
}

/**
 * Steps reset below a re-run start from new upstream results: review comments from an earlier
 * round on them were about code that is about to be replaced, so their specs drop them (the
 * attempts that answered them keep them in their detail). After a rerun-step was applied, the
 * reset descendants are exactly the run's pending steps other than the re-run one.
 */
export async function forgetDescendantReviews(tx: Executor, runId: string, rerunKey: string): Promise<void> {
  await rows(tx, sql`update steps set spec = spec - 'review' where run_id = ${runId} and state = 'pending' and key <> ${rerunKey} and spec ? 'review'`);
}

/**
 * Re-runs one finished step as a new attempt, then everything downstream of it; upstream
 * results are reused as they are. Earlier attempts stay in step_attempts.
 */
export async function rerunStepOrThrow(db: Db, runId: string, stepId: string, body: RerunStepBody = {}): Promise<RunDetail> {
  await db.orm.transaction(async (tx) => {
    const step = await findStepOrThrow(tx, runId, stepId);
    await assertRefsKeptOrThrow(tx, runId, "rerun");
    const spec = await overriddenSpecOrThrow(tx, runId, step, body);
    await applyOrThrow(tx, runId, { type: "rerun-step", key: step.key });
    await rows(tx, sql`update runs set step_reruns = step_reruns + 1 where id = ${runId}`);
    // A plain re-run is not a review round: the last round's comments stay with its attempt.
    await rows(tx, sql`update steps set spec = spec - 'review' where id = ${step.id} and spec ? 'review'`);
    await forgetDescendantReviews(tx, runId, step.key);
    if (spec) {
      const runs = "profile" in spec ? spec.profile : undefined;
      const tags = step.requiredTags.some((t) => t.startsWith("profile:")) && runs
        ? [...step.requiredTags.filter((t) => !t.startsWith("profile:")), profileTag(runs)]
        : step.requiredTags;
      await rows(
        tx,
        sql`update steps set spec = ${JSON.stringify(spec)}::jsonb, required_tags = ${JSON.stringify(tags)}::jsonb, updated_at = now()
            where id = ${step.id}`,
      );
    }
  });
  return getRunOrThrow(db.orm, runId);
}
