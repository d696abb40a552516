/**
 * Reading runs: one run with its steps and every attempt, and the newest-first history
 * list with keyset pagination (cursor = the last row's created_at + id).
 */
import { asc, eq } from "drizzle-orm";
import { sql } from "drizzle-orm";
import type { Attempt, DiffStats, RunDetail, RunSummary, Step, Usage } from "../contract/run";
import { rows, type Executor, type Orm } from "../db/client";
import { runs, stepAttempts, steps, type StepAttemptRow, type StepRow } from "../db/schema";
import { HttpError, notFound } from "../http/errors";
import type { ListRunsQuery } from "./schemas";

export type { RunDetail, RunSummary } from "../contract/run";
export type StepDetail = Step;

const iso = (value: Date | string | null | undefined): string | null =>
  value === null || value === undefined ? null : new Date(value).toISOString();
const usageOf = (value: unknown) => (value ?? {}) as Usage;
const diffStatsOf = (value: unknown) => (value ?? null) as DiffStats | null;
const recordOf = (value: unknown) => (value ?? {}) as Record<string, unknown>;

/** A step_attempts row on the wire (lib/contract/run.ts). */
function toAttempt(row: StepAttemptRow): Attempt {
  return {
    stepId: row.stepId,
    attempt: row.attempt,
    state: row.state,
    workerId: row.workerId,
    prompt: row.prompt,
    output: row.output,
    outputTruncated: row.outputTruncated,
    error: row.error,
    detail: recordOf(row.detail),
    branch: row.branch,
    startCommit: row.startCommit,
    resultCommit: row.resultCommit,
    diff: row.diff,
    diffStats: diffStatsOf(row.diffStats),
    usage: usageOf(row.usage),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

/** A steps row on the wire: the lease (owner, expiry, fence) is the dispatcher's business. */
function toStep(row: StepRow, attempts: Attempt[]): Step {
  return {
    id: row.id,
    runId: row.runId,
    nodeId: row.nodeId,
    key: row.key,
    kind: row.kind,
    role: row.role as Step["role"],
    state: row.state,
    dependsOn: row.dependsOn,
    spec: recordOf(row.spec),
    attempt: row.attempt,
    maxAttempts: row.maxAttempts,
    timeoutMs: row.timeoutMs,
    requiredTags: row.requiredTags,
    leaseLosses: row.leaseLosses,
    cancelRequested: row.cancelRequested,
    prompt: row.prompt,
    output: row.output,
    outputTruncated: row.outputTruncated,
    summary: row.summary,
    error: row.error,
    detail: recordOf(row.detail),
    worktree: row.worktree,
    branch: row.branch,
    startCommit: row.startCommit,
    resultCommit: row.resultCommit,
    diff: row.diff,
    diffStats: diffStatsOf(row.diffStats),
    usage: usageOf(row.usage),
    winner: row.winner,
    readyAt: iso(row.readyAt),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
    attempts,
  };
}

/** Plan order: dependencies first, ties by key (stable across reads). */
function planOrder<T extends { key: string; dependsOn: string[] }>(list: T[]): T[] {
  const sorted = [...list].sort((a, b) => a.key.localeCompare(b.key));
  const done = new Set<string>();
  const out: T[] = [];
  const keys = new Set(list.map((s) => s.key));
  while (out.length < sorted.length) {
    const before = out.length;
    for (const step of sorted) {
      if (done.has(step.key)) continue;
      if (step.dependsOn.every((d) => done.has(d) || !keys.has(d))) {
        out.push(step);
        done.add(step.key);
      }
    }
    if (out.length === before) break;
  }
  return out;
}

/**
 * The run as one consistent snapshot (a repeatable-read, read-only transaction): the cursor,
 * the run row, its steps and attempts all agree, so a client folding the events above the
 * cursor onto it never applies an event twice or misses one that committed between reads.
 */
export async function readRunSnapshotOrThrow(db: Orm, runId: string): Promise<RunDetail> {
  return db.transaction((tx) => getRunOrThrow(tx, runId), { isolationLevel: "repeatable read", accessMode: "read only" });
}

export async function getRunOrThrow(db: Executor, runId: string): Promise<RunDetail> {
  // First: an event committed after this read has its effect in the rows read below or not,
  // but never counts as reflected.
  const [cursor] = await rows<{ cursor: number | string }>(db, sql`select coalesce(max(id), 0) as cursor from step_events where run_id = ${runId}`);
  const [run] = await db.select().from(runs).where(eq(runs.id, runId));
  if (!run) throw notFound(`run "${runId}"`);
  const [flow] = await rows<{ name: string }>(db, sql`select name from flows where id = ${run.flowId}`);
  const stepRows = await db.select().from(steps).where(eq(steps.runId, runId));
  const attemptRows = await db.select().from(stepAttempts).where(eq(stepAttempts.runId, runId)).orderBy(asc(stepAttempts.attempt));
  const attemptsByStep = new Map<string, Attempt[]>();
  for (const row of attemptRows) {
    const list = attemptsByStep.get(row.stepId) ?? [];
    list.push(toAttempt(row));
    attemptsByStep.set(row.stepId, list);
  }
  const details = planOrder(stepRows).map((row) => toStep(row, attemptsByStep.get(row.id) ?? []));
  return {
    id: run.id,
    flowId: run.flowId,
    flowName: flow?.name ?? null,
    flowVersion: run.flowVersion,
    status: run.status,
    inputs: run.inputs as Record<string, string>,
    repo: run.repo,
    baseRef: run.baseRef,
    baseCommit: run.baseCommit,
    keepWorktrees: run.keepWorktrees,
    worktreePolicy: run.worktreePolicy === "clean" || run.worktreePolicy === "keep-ignored" ? run.worktreePolicy : null,
    refsDeletedAt: iso(run.refsDeletedAt),
    parentRunId: run.parentRunId,
    origin: run.origin,
    error: run.error,
    usage: usageOf(run.usage),
    createdAt: iso(run.createdAt)!,
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    updatedAt: iso(run.updatedAt)!,
    counts: {
      total: stepRows.length,
      succeeded: stepRows.filter((s) => s.state === "succeeded").length,
      failed: stepRows.filter((s) => s.state === "failed").length,
      running: stepRows.filter((s) => s.state === "running").length,
    },
    steps: details,
    eventCursor: Number(cursor?.cursor ?? 0),
  };
}

/** `q` as ILIKE patterns, one per word (%, _ and \ matched literally); at most 8 words. */
export function searchPatterns(q: string | undefined): string[] {
  const words = (q ?? "").split(/\s+/).filter(Boolean).slice(0, 8);
  return words.map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
}

function decodeCursorOrThrow(cursor: string): { createdAt: string; id: string } {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const at = text.lastIndexOf("|");
  const createdAt = text.slice(0, at);
  if (at <= 0 || Number.isNaN(Date.parse(createdAt))) {
    throw new HttpError("validation_failed", "invalid query: cursor: not a cursor from a previous page", [{ path: "cursor", message: "not a cursor from a previous page" }]);
  }
  return { createdAt, id: text.slice(at + 1) };
}

export async function listRuns(db: Executor, filter: Partial<ListRunsQuery> = {}): Promise<{ runs: RunSummary[]; nextCursor: string | null }> {
  const limit = filter.limit ?? 50;
  const after = filter.cursor ? decodeCursorOrThrow(filter.cursor) : null;
  const raw = await rows<Record<string, unknown>>(
    db,
    sql`
      select r.id, r.flow_id, f.name as flow_name, r.flow_version, r.status, r.origin, r.error, r.usage,
             r.inputs, r.parent_run_id, r.step_reruns,
             r.created_at, r.started_at, r.finished_at, c.total, c.succeeded, c.failed, c.running,
             to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key
      from runs r
      left join flows f on f.id = r.flow_id
      left join lateral (
        select count(*)::int as total,
               count(*) filter (where state = 'succeeded')::int as succeeded,
               count(*) filter (where state = 'failed')::int as failed,
               count(*) filter (where state = 'running')::int as running
        from steps s where s.run_id = r.id
      ) c on true
      where (${filter.flow ?? null}::text is null or r.flow_id = ${filter.flow ?? null})
        and (${filter.status ?? null}::text is null or r.status = ${filter.status ?? null})
        and (select bool_and(r.id ilike p or coalesce(f.name, '') ilike p
                             or exists (select 1 from jsonb_each_text(r.inputs) i where i.value ilike p))
             from jsonb_array_elements_text(${JSON.stringify(searchPatterns(filter.q))}::jsonb) as w(p)) is not false
        and (${after?.createdAt ?? null}::timestamptz is null
             or (r.created_at, r.id) < (${after?.createdAt ?? null}::timestamptz, ${after?.id ?? ""}::text))
      order by r.created_at desc, r.id desc
      limit ${limit + 1}
    `,
  );
  const page = raw.slice(0, limit);
  const last = page[page.length - 1];
  const parse = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value) as Usage;
  return {
    runs: page.map((r) => ({
      id: r.id as string,
      flowId: r.flow_id as string,
      flowName: (r.flow_name as string | null) ?? null,
      flowVersion: Number(r.flow_version),
      status: r.status as RunSummary["status"],
      origin: r.origin as string,
      error: (r.error as string | null) ?? null,
      usage: parse(r.usage),
      inputs: parse(r.inputs) as Record<string, unknown>,
      parentRunId: (r.parent_run_id as string | null) ?? null,
      stepReruns: Number(r.step_reruns ?? 0),
      createdAt: iso(r.created_at as string)!,
      startedAt: iso(r.started_at as string | null),
      finishedAt: iso(r.finished_at as string | null),
      counts: { total: Number(r.total), succeeded: Number(r.succeeded), failed: Number(r.failed), running: Number(r.running) },
    })),
    nextCursor:
      raw.length > limit && last ? Buffer.from(`${last.created_key as string}|${last.id as string}`).toString("base64url") : null,
  };
}
