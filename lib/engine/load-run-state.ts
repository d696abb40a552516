/**
 * load-run-state: lock a run and read its steps' lightweight state columns.
 *
 * Invariant: the run row is locked FOR UPDATE first, so advances of one run serialise.
 * Without it two transactions completing sibling steps would each see the other's step
 * still running (READ COMMITTED snapshots) and both leave a dependent pending forever;
 * after the lock, this statement's snapshot sees every earlier committed advance.
 *
 * Only small columns are read (no output, diff or spec body): one query per advance,
 * whatever the run's size.
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import type { RunStatus, StepState } from "../db/schema";
import type { SelectMode } from "../flow/document";
import type { RunState, StepStatus } from "./run-state";
import type { StepRole } from "./spec";

interface RawStatus {
  id: string;
  key: string;
  node_id: string;
  kind: string;
  role: StepRole;
  state: StepState;
  depends_on: string[] | string;
  attempt: number;
  max_attempts: number;
  retries: number | null;
  select_mode: SelectMode | null;
  cancel_requested: boolean;
  error: string | null;
}

export interface LockedRun {
  id: string;
  status: RunStatus;
  state: RunState;
}

export async function loadRunStateForUpdate(tx: Executor, runId: string): Promise<LockedRun | undefined> {
  const [run] = await rows<{ id: string; status: RunStatus; finished: boolean }>(
    tx,
    sql`select id, status, finished_at is not null as finished from runs where id = ${runId} for update`,
  );
  if (!run) return undefined;
  const raw = await rows<RawStatus>(
    tx,
    sql`
      select id, key, node_id, kind, role, state, depends_on, attempt, max_attempts,
             (spec->>'retries')::int as retries, spec->'select'->>'mode' as select_mode,
             cancel_requested, left(error, 500) as error
      from steps where run_id = ${runId}
      order by id
    `,
  );
  const steps: StepStatus[] = raw.map((r) => ({
    id: r.id,
    key: r.key,
    nodeId: r.node_id,
    kind: r.kind,
    role: r.role,
    state: r.state,
    dependsOn: typeof r.depends_on === "string" ? (JSON.parse(r.depends_on) as string[]) : r.depends_on,
    attempt: Number(r.attempt),
    maxAttempts: Number(r.max_attempts),
    retries: Number(r.retries ?? 0),
    ...(r.select_mode ? { selectMode: r.select_mode } : {}),
    // The dispatcher applies the retry policy when it writes an outcome (a retryable failure
    // with attempts left goes straight back to "ready"), so a persisted "failed" is final.
    retryable: false,
    cancelRequested: Boolean(r.cancel_requested),
    error: r.error,
  }));
  return { id: run.id, status: run.status, state: { status: run.status, finished: Boolean(run.finished), steps } };
}
