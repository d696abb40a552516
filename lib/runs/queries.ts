/**
 * Reading runs: one run with its steps and every attempt, and the newest-first history
 * list with keyset pagination (cursor = the last row's created_at + id).
 */
import { asc, eq } from "drizzle-orm";
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { runs, stepAttempts, steps, type RunStatus, type StepAttemptRow, type StepRow } from "../db/schema";
import { HttpError, notFound } from "../http/errors";
import type { ListRunsQuery } from "./schemas";

export type StepDetail = Omit<StepRow, "leaseOwner" | "leaseExpiresAt" | "fence"> & {
  attempts: Array<Omit<StepAttemptRow, "stepId" | "runId">>;
};

export interface StepCounts {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
}

export interface RunDetail {
  id: string;
  flowId: string;
  flowName: string | null;
  flowVersion: number;
  status: RunStatus;
  inputs: Record<string, string>;
  repo: string | null;
  baseRef: string | null;
  baseCommit: string | null;
  keepWorktrees: boolean;
  /** "clean" | "keep-ignored"; null: each step's profile default ("clean" if none). */
  worktreePolicy: string | null;
  parentRunId: string | null;
  origin: string;
  error: string | null;
  usage: Record<string, number>;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
  counts: StepCounts;
  steps: StepDetail[];
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

export async function getRunOrThrow(db: Executor, runId: string): Promise<RunDetail> {
  const [run] = await db.select().from(runs).where(eq(runs.id, runId));
  if (!run) throw notFound(`run "${runId}"`);
  const [flow] = await rows<{ name: string }>(db, sql`select name from flows where id = ${run.flowId}`);
  const stepRows = await db.select().from(steps).where(eq(steps.runId, runId));
  const attemptRows = await db.select().from(stepAttempts).where(eq(stepAttempts.runId, runId)).orderBy(asc(stepAttempts.attempt));
  const attemptsByStep = new Map<string, StepDetail["attempts"]>();
  for (const { stepId, runId: _run, ...attempt } of attemptRows) {
    const list = attemptsByStep.get(stepId) ?? [];
    list.push(attempt);
    attemptsByStep.set(stepId, list);
  }
  const details: StepDetail[] = planOrder(stepRows).map(({ leaseOwner: _o, leaseExpiresAt: _e, fence: _f, ...step }) => ({
    ...step,
    attempts: attemptsByStep.get(step.id) ?? [],
  }));
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
    worktreePolicy: run.worktreePolicy,
    parentRunId: run.parentRunId,
    origin: run.origin,
    error: run.error,
    usage: run.usage as Record<string, number>,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    updatedAt: run.updatedAt,
    counts: {
      total: stepRows.length,
      succeeded: stepRows.filter((s) => s.state === "succeeded").length,
      failed: stepRows.filter((s) => s.state === "failed").length,
      running: stepRows.filter((s) => s.state === "running").length,
    },
    steps: details,
  };
}

export interface RunSummary {
  id: string;
  flowId: string;
  flowName: string | null;
  flowVersion: number;
  status: RunStatus;
  origin: string;
  error: string | null;
  usage: Record<string, number>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  counts: StepCounts;
}

const iso = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(value as string).toISOString());

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
        and (${after?.createdAt ?? null}::timestamptz is null
             or (r.created_at, r.id) < (${after?.createdAt ?? null}::timestamptz, ${after?.id ?? ""}::text))
      order by r.created_at desc, r.id desc
      limit ${limit + 1}
    `,
  );
  const page = raw.slice(0, limit);
  const last = page[page.length - 1];
  const parse = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value) as Record<string, number>;
  return {
    runs: page.map((r) => ({
      id: r.id as string,
      flowId: r.flow_id as string,
      flowName: (r.flow_name as string | null) ?? null,
      flowVersion: Number(r.flow_version),
      status: r.status as RunStatus,
      origin: r.origin as string,
      error: (r.error as string | null) ?? null,
      usage: parse(r.usage),
      createdAt: iso(r.created_at)!,
      startedAt: iso(r.started_at),
      finishedAt: iso(r.finished_at),
      counts: { total: Number(r.total), succeeded: Number(r.succeeded), failed: Number(r.failed), running: Number(r.running) },
    })),
    nextCursor:
      raw.length > limit && last ? Buffer.from(`${last.created_key as string}|${last.id as string}`).toString("base64url") : null,
  };
}
