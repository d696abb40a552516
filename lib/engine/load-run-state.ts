/**
 * load-run-state: lock a run and read its steps' lightweight state columns.
 *
 * Invariant: the run row is locked FOR UPDATE first, so advances of one run serialise, and
 * its version is incremented (whoever locks a run to change it does).
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
import type { SelectMode } from "../kinds/arena/definition";
import type { RunState, StepStatus } from "./run-state";
import type { StepRole } from "../contract/run";

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
  workspace: "code" | "none" | null;
}

export interface LockedRun {
  id: string;
  status: RunStatus;
  state: RunState;
}

export async function loadRunStateForUpdate(tx: Executor, runId: string): Promise<LockedRun | undefined> {
  return (await loadRunStatesForUpdate(tx, [runId])).get(runId);
}

/**
 * Several runs at once (a batch of completions): the runs are locked in id order in one
 * statement — every multi-run locker uses that order, so two never deadlock — then they and
 * their steps are read in a second statement, whose snapshot follows the locks.
 * `alreadyLocked`: the caller's transaction took those locks (in id order) in an earlier
 * statement, so only the read is needed.
 */
export async function loadRunStatesForUpdate(
  tx: Executor,
  runIds: readonly string[],
  options: { alreadyLocked?: boolean } = {},
): Promise<Map<string, LockedRun>> {
  const locked = new Map<string, LockedRun>();
  if (runIds.length === 0) return locked;
  const ids = JSON.stringify([...new Set(runIds)].sort());
  if (!options.alreadyLocked) {
    // Locking to change a run increments its version (see run-state-cache.ts).
    await rows(
      tx,
      sql`
        with locked as (
          select id from runs where id = any(array(select jsonb_array_elements_text(${ids}::jsonb))) order by id for update
        )
        update runs r set version = r.version + 1, updated_at = now()
        where r.id = any(array(select id from locked))
      `,
    );
  }
  const raw = await rows<Partial<RawStatus> & { run_id: string; run_status: RunStatus; run_finished: boolean }>(
    tx,
    sql`
      select r.id as run_id, r.status as run_status, r.finished_at is not null as run_finished, s.*
      from runs r
      -- Each run's steps by index (run_id, key), never a scan of the whole table: "offset 0"
      -- keeps the planner from flattening the lateral subquery into a join it may hash.
      left join lateral (
        select s.id, s.key, s.node_id, s.kind, s.role, s.state, s.depends_on, s.attempt, s.max_attempts,
               (s.spec->>'retries')::int as retries, s.spec->'select'->>'mode' as select_mode,
               s.cancel_requested, left(s.error, 500) as error, s.spec->>'workspace' as workspace
        from steps s where s.run_id = r.id
        offset 0
      ) s on true
      where r.id = any(array(select jsonb_array_elements_text(${ids}::jsonb)))
      order by r.id, s.id
    `,
  );
  for (const r of raw) {
    let run = locked.get(r.run_id);
    if (!run) {
      run = { id: r.run_id, status: r.run_status, state: { status: r.run_status, finished: Boolean(r.run_finished), steps: [] } };
      locked.set(r.run_id, run);
    }
    if (r.id) run.state.steps.push(toStepStatus(r as RawStatus));
  }
  return locked;
}

function toStepStatus(r: RawStatus): StepStatus {
  return {
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
    ...(r.workspace ? { workspace: r.workspace } : {}),
  };
}
