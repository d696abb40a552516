/**
 * Answering a waiting approval or reviewing a code step: approve, reject, request changes.
 * One transaction each, like every action on a run (runs/actions.ts).
 *
 * - approve: an approval only; the run continues.
 * - reject: an approval only, with a reason; the approval fails with it, so the steps after
 *   it are skipped and the run fails naming the reason.
 * - request changes: a review round on a code step (an agent in a code workspace): the
 *   comments, anchored to the hunks of its diff, go into its spec; it runs again from its
 *   *result* commit (not its start), continuing its agent session where the backend can; the
 *   steps after it re-run after it. On an approval, the round goes to the nearest upstream
 *   agent step (or `target`), and the approval, reset with the other downstream steps, waits
 *   again once the round is done.
 */
import { sql } from "drizzle-orm";
import { rows, type Db, type Executor } from "../db/client";
import { parseUnifiedDiff } from "../diff-view/parse";
import { definitionOf, type StepSpec } from "../kinds";
import { runsAgentInCode } from "../kinds/define";
import { HttpError, notFound } from "../http/errors";
import { applyOrThrow, assertRefsKeptOrThrow, cleanupIfEnded, findStepOrThrow, forgetDescendantReviews, type StepRef } from "../runs/actions";
import { getRunOrThrow, type RunDetail } from "../runs/queries";
import { anchorComments } from "./render-review";
import type { ReviewBody } from "./schemas";
import { isWaitpointToken } from "./waitpoint";

const invalid = (field: string, message: string) =>
  new HttpError("validation_failed", `invalid body: ${field}: ${message}`, [{ path: field, message }]);

const json = <T>(value: unknown): T => (typeof value === "string" ? JSON.parse(value) : value) as T;

interface CodeStepRow {
  id: string;
  key: string;
  node_id: string;
  kind: string;
  role: string;
  state: string;
  spec: unknown;
  attempt: number;
  diff: string | null;
  detail: unknown;
  result_commit: string | null;
}

/** The nearest upstream agent code steps of an approval (walking through checks and the like). */
async function reviewTargetsOf(tx: Executor, runId: string, approval: StepRef): Promise<string[]> {
  const steps = await rows<{ key: string; node_id: string; kind: string; role: string; spec: unknown }>(
    tx,
    sql`select key, node_id, kind, role, spec from steps where run_id = ${runId} and role <> 'contestant'`,
  );
  const byNode = new Map(steps.map((s) => [s.node_id, { ...s, spec: json<StepSpec>(s.spec) }]));
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (nodeId: string) => {
    if (seen.has(nodeId)) return;
    seen.add(nodeId);
    const node = byNode.get(nodeId);
    if (!node) return;
    if (runsAgentInCode(node)) found.push(node.key);
    // An arena's contestants are compared, not reviewed one by one: the walk stops there.
    else if (node.role !== "select") for (const up of node.spec.upstream) visit(up);
  };
  for (const up of approval.spec.upstream) visit(up);
  return found;
}

async function targetOrThrow(tx: Executor, runId: string, step: StepRef, body: ReviewBody): Promise<CodeStepRow> {
  let key: string;
  if (definitionOf(step.kind)?.answeredByPerson) {
    const targets = await reviewTargetsOf(tx, runId, step);
    if (body.target !== undefined) {
      if (!targets.includes(body.target)) {
        throw invalid("target", `"${body.target}" is not an agent step upstream of "${step.key}" (${targets.length ? `choose ${targets.join(", ")}` : "there is none"})`);
      }
      key = body.target;
    } else if (targets.length === 1) key = targets[0];
    else if (targets.length === 0) throw new HttpError("conflict", `no agent step upstream of "${step.key}" can take changes; reject or approve instead`);
    else throw invalid("target", `"${step.key}" has several upstream agent steps; name one of ${targets.join(", ")}`);
  } else {
    if (!runsAgentInCode(step)) {
      throw new HttpError("conflict", `step "${step.key}" (${step.kind}${step.role !== "node" ? ` ${step.role}` : ""}) runs no agent in a code workspace; changes can be requested only of such steps`);
    }
    key = step.key;
  }
  const [row] = await rows<CodeStepRow>(
    tx,
    sql`select id, key, node_id, kind, role, state, spec, attempt, diff, detail, result_commit
        from steps where run_id = ${runId} and key = ${key}`,
  );
  if (!row) throw notFound(`step "${key}" in run "${runId}"`);
  if (row.state !== "succeeded") throw new HttpError("conflict", `step "${key}" is ${row.state}; changes can be requested only of a step that succeeded`);
  return row;
}

function checkCommentsOrThrow(target: CodeStepRow, body: ReviewBody): void {
  const changed = new Set(parseUnifiedDiff(target.diff ?? "").flatMap((f) => [f.newPath, f.oldPath]));
  body.comments.forEach((comment, i) => {
    if (!changed.has(comment.path)) {
      const list = [...changed].filter((p) => p !== "/dev/null");
      throw invalid(`comments[${i}].path`, `"${comment.path}" is not a file step "${target.key}" changed (${list.length ? `changed: ${list.join(", ")}` : "it changed none"})`);
    }
  });
}

async function requestChangesOrThrow(tx: Executor, runId: string, step: StepRef, body: ReviewBody): Promise<void> {
  if (definitionOf(step.kind)?.answeredByPerson && (await stateOf(tx, step.id)) !== "waiting") {
    throw new HttpError("conflict", `step "${step.key}" is not waiting; changes can be requested of a waiting approval`);
  }
  await assertRefsKeptOrThrow(tx, runId, "review");
  if (body.comments.length === 0 && !body.reason) throw invalid("comments", "give at least one comment (or a reason) for the changes");
  const target = await targetOrThrow(tx, runId, step, body);
  checkCommentsOrThrow(target, body);
  const spec = json<StepSpec>(target.spec);
  const detail = json<Record<string, unknown>>(target.detail) ?? {};
  const review = {
    // No review yet: this is round 1.
    round: ("review" in spec && spec.review ? spec.review.round : 0) + 1,
    reviewedAttempt: target.attempt,
    ...(body.reason ? { summary: body.reason } : {}),
    ...(typeof detail.sessionId === "string" ? { sessionId: detail.sessionId } : {}),
    comments: anchorComments(target.diff ?? "", body.comments),
  };
  // Written before the re-run's reset: start_commit survives it (keepStart), result_commit
  // doesn't, so the round starts from the commit being reviewed.
  await rows(
    tx,
    sql`update steps set spec = ${JSON.stringify({ ...spec, review })}::jsonb, start_commit = coalesce(result_commit, start_commit), updated_at = now()
        where id = ${target.id}`,
  );
  await applyOrThrow(tx, runId, { type: "rerun-step", key: target.key });
  await forgetDescendantReviews(tx, runId, target.key);
}

async function stateOf(tx: Executor, stepId: string): Promise<string | undefined> {
  const [row] = await rows<{ state: string }>(tx, sql`select state from steps where id = ${stepId}`);
  return row?.state;
}

export async function reviewStepOrThrow(db: Db, runId: string, stepIdOrKey: string, body: ReviewBody, dataDir: string): Promise<RunDetail> {
  await db.orm.transaction(async (tx) => {
    const step = await findStepOrThrow(tx, runId, stepIdOrKey);
    if (body.decision === "request-changes") return requestChangesOrThrow(tx, runId, step, body);
    if (!definitionOf(step.kind)?.answeredByPerson) {
      throw new HttpError("conflict", `step "${step.key}" is not an approval step; a code step's review can only request changes`);
    }
    if (body.decision === "approve") return applyOrThrow(tx, runId, { type: "approve", key: step.key });
    if (!body.reason) throw invalid("reason", "say why the approval is rejected");
    return applyOrThrow(tx, runId, { type: "reject", key: step.key, reason: body.reason });
  });
  await cleanupIfEnded(db, runId, dataDir);
  return getRunOrThrow(db.orm, runId);
}

/** The waiting approval holding this waitpoint token, answered like any review. */
export async function answerWaitpointOrThrow(db: Db, token: string, body: ReviewBody, dataDir: string): Promise<RunDetail> {
  if (!isWaitpointToken(token)) throw new HttpError("validation_failed", "invalid path: token: not a waitpoint token", [{ path: "token", message: "not a waitpoint token" }]);
  const [step] = await rows<{ id: string; run_id: string }>(
    db.orm,
    sql`select id, run_id from steps where kind = 'approval' and state = 'waiting' and detail->>'waitpoint' = ${token}`,
  );
  if (!step) throw notFound("a waiting approval with this token (answered already, or never issued)");
  return reviewStepOrThrow(db, step.run_id, step.id, body, dataDir);
}
