/**
 * The completion's SQL, built in one place for both ways a completion is written: the
 * transactional path (complete-step.ts: the statement below, then the engine's advance) and
 * the one-statement path (complete-fast.ts: the same CTEs gated on the run's version, plus
 * the predicted advance). Whatever a completion writes — the fenced update, the archive, the
 * events, the run's version and usage — is written by these builders and nowhere else.
 */
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { RUN_EVENTS_CHANNEL, type ClaimedStep, type StepEventInput, type StepOutcome } from "../engine/contract";
import { archiveAttemptsSql } from "../engine/archive-attempts-sql";
import { addUsage, sumUsage } from "../engine/usage-sql";

export interface CompleteStepInput {
  stepId: string;
  /** The step's run, when the caller knows it (lets a single completion take complete-fast's path). */
  runId?: string;
  /** The fence the claim returned. */
  fence: number;
  workerId: string;
  outcome: StepOutcome;
  /**
   * Infrastructure failure (the database went away while the step ran): the attempt is
   * archived as failed but does not spend the node's retry budget — max_attempts is raised
   * so one more claim is allowed (capped at MAX_GRANTED_ATTEMPT so a persistent fault ends).
   */
  grantAttempt?: boolean;
  /**
   * The attempt's last unwritten events: inserted in the same statement, before the final
   * "step-state" event, and only if the fenced update happened (one round trip fewer per
   * step than a separate append, and no window where the state is final but events lag).
   */
  events?: readonly StepEventInput[];
  /** The rendered prompt when it was not written yet (see EventBuffer): stored with the outcome. */
  prompt?: string;
}

export const MAX_GRANTED_ATTEMPT = 20;

export interface CompleteStepResult {
  /** False when the lease was lost: nothing was written. */
  completed: boolean;
  /** The state the row now has ("ready" when a retry was scheduled). */
  state?: string;
  readyStepIds: string[];
  /** Set when this completion ended its run: the engine's onRunEnded is due after commit. */
  endedRunId?: string;
}

interface OutcomeColumns {
  state: string;
  retryable: boolean;
  output: string | null;
  outputTruncated: boolean;
  summary: string | null;
  error: string | null;
  usage: unknown;
  detail: unknown;
  startCommit: string | null;
  resultCommit: string | null;
  branch: string | null;
  worktree: string | null;
  diff: string | null;
  diffStats: unknown;
  winner: string | null;
}

/**
 * The columns each outcome variant carries. A column its variant does not list keeps its
 * default even if the object happens to hold the property (a failed attempt never records a
 * result commit, whatever an executor spread into it).
 */
const CARRIED: { [S in StepOutcome["state"]]: ReadonlyArray<keyof OutcomeColumns> } = {
  succeeded: ["output", "outputTruncated", "summary", "usage", "detail", "startCommit", "resultCommit", "branch", "worktree", "diff", "diffStats", "winner"],
  failed: ["retryable", "error", "output", "usage", "detail", "startCommit", "branch", "worktree"],
  canceled: ["output", "usage", "detail", "startCommit", "resultCommit", "branch", "worktree", "diff", "diffStats"],
  waiting: ["detail"],
};

/** Pure: flattens the tagged outcome into the columns the update writes. */
export function outcomeColumns(outcome: StepOutcome): OutcomeColumns {
  const columns: OutcomeColumns = {
    state: outcome.state,
    retryable: false,
    output: null,
    outputTruncated: false,
    summary: null,
    error: outcome.state === "canceled" ? "canceled" : null,
    usage: {},
    detail: {},
    startCommit: null,
    resultCommit: null,
    branch: null,
    worktree: null,
    diff: null,
    diffStats: null,
    winner: null,
  };
  const carried = outcome as Partial<Record<keyof OutcomeColumns, unknown>>;
  const target = columns as unknown as Record<keyof OutcomeColumns, unknown>;
  for (const column of CARRIED[outcome.state]) {
    if (carried[column] !== undefined) target[column] = carried[column];
  }
  return columns;
}

/** Pure: the recordset row of one completion (column names as the statement declares them). */
export function completionRow(input: CompleteStepInput, position: number) {
  const c = outcomeColumns(input.outcome);
  // Granting only makes sense for a retryable failure, and never past the cap.
  const grantRequested = Boolean(input.grantAttempt) && c.state === "failed" && c.retryable;
  return {
    position,
    id: input.stepId,
    fence: input.fence,
    worker_id: input.workerId,
    state: c.state,
    retryable: c.retryable,
    grant_requested: grantRequested,
    output: c.output,
    output_truncated: c.outputTruncated,
    summary: c.summary,
    error: c.error,
    usage: c.usage,
    detail: c.detail,
    start_commit: c.startCommit,
    branch: c.branch,
    worktree: c.worktree,
    result_commit: c.resultCommit,
    diff: c.diff,
    diff_stats: c.diffStats,
    winner: c.winner,
    prompt: input.prompt ?? null,
    events: input.events ?? [],
  };
}

/**
 * CTEs `v` (the completions' recordset: JSON text of completionRow rows), `locked` (their running rows, locked in id order),
 * `ended` (the fenced update), `archived` (the attempts, RETURNING run_id and usage) and
 * `announced` (their last events and final "step-state" event, NOTIFYing the run id).
 * `gate`: a CTE placed after `locked` whose condition must hold for anything to be written.
 */
export function completionCtes(recordset: string | SQLWrapper, gate?: { cte: SQL; condition: SQL }): SQL {
  return sql`
    v as (
          select * from jsonb_to_recordset(${recordset}::jsonb) as v(
            position int, id text, fence bigint, worker_id text, state text, retryable boolean,
            grant_requested boolean, output text, output_truncated boolean, summary text, error text,
            usage jsonb, detail jsonb, start_commit text, branch text, worktree text, result_commit text,
            diff text, diff_stats jsonb, winner text, prompt text, events jsonb)
        ),
        -- = any(array(...)) keeps these lookups index scans whatever the table's size (a join
        -- with the recordset is planned for ~100 rows and may hash-join over a full scan).
        locked as (
          select s.id from steps s
          where s.id = any(array(select v.id from v)) and s.state = 'running'
          order by s.id
          for update
        ),
        ${gate ? sql`${gate.cte},` : sql``}
        ended as (
          update steps s
          set max_attempts = case when (v.grant_requested and s.attempt < ${MAX_GRANTED_ATTEMPT}::int) then greatest(s.max_attempts, s.attempt + 1) else s.max_attempts end,
              state = case
                when v.state = 'failed' and v.retryable
                     and (s.attempt < s.max_attempts or (v.grant_requested and s.attempt < ${MAX_GRANTED_ATTEMPT}::int)) then 'ready'
                else v.state
              end,
              ready_at = case
                when v.state = 'failed' and v.retryable
                     and (s.attempt < s.max_attempts or (v.grant_requested and s.attempt < ${MAX_GRANTED_ATTEMPT}::int)) then now()
                else s.ready_at
              end,
              finished_at = case when v.state = 'waiting' then null else now() end,
              lease_owner = null,
              lease_expires_at = null,
              prompt = coalesce(v.prompt, s.prompt),
              output = v.output,
              output_truncated = v.output_truncated,
              summary = v.summary,
              error = v.error,
              usage = v.usage,
              detail = v.detail,
              start_commit = coalesce(v.start_commit, s.start_commit),
              branch = coalesce(v.branch, s.branch),
              worktree = coalesce(v.worktree, s.worktree),
              result_commit = v.result_commit,
              diff = v.diff,
              diff_stats = v.diff_stats,
              winner = v.winner,
              updated_at = now()
          from v
          where s.id = any(array(select l.id from locked l)) and v.id = s.id and s.fence = v.fence and s.state = 'running'
            and ${gate ? gate.condition : sql`true`}
          returning s.*, v.state as outcome, v.worker_id as ended_by, v.events as last_events, v.position
        ),
        archived as (${archiveAttemptsSql(
          sql`ended`,
          { state: sql`outcome`, worker_id: sql`ended_by`, finished_at: sql`now()` },
          { where: sql`outcome <> 'waiting'`, returning: sql`run_id, usage` },
        )}),
        announced as (
          insert into step_events (run_id, step_id, attempt, type, data)
          select ended.run_id, ended.id, ended.attempt, e.type,
                 coalesce(e.data, jsonb_strip_nulls(jsonb_build_object(
                   'state', ended.state, 'attempt', ended.attempt, 'error', ended.error, 'winner', ended.winner)))
          from ended cross join lateral (
            select x.value->>'type' as type, x.value->'data' as data, x.position
            from jsonb_array_elements(ended.last_events) with ordinality as x(value, position)
            union all
            select 'step-state', null::jsonb, 9223372036854775807
          ) e
          order by ended.position, e.position
          returning pg_notify(${RUN_EVENTS_CHANNEL}, run_id)
        )
  `;
}

/**
 * The run row's side of a completion, shared by both paths: the version is bumped (the engine
 * knows whether anyone else changed the run since it last wrote it, see runs.version) and the
 * archived attempts' usage is added to its total. `set` adds the columns a path also decides
 * (complete-fast writes the predicted status); the run row must already be locked, after the
 * steps (the lock order every completion keeps).
 */
export function bumpRunsSql(where: SQL, set: SQL = sql``): SQL {
  return sql`
    update runs r
    set version = r.version + 1,
        usage = ${addUsage(sql`r.usage`, sql`(select ${sumUsage(sql`a.usage`)} from archived a where a.run_id = r.id)`)},
        ${set}
        updated_at = now()
    where ${where}`;
}

/**
 * A completing worker's offer to take the steps its completion readies, claimed in the same
 * transaction: the next step of a chain starts without a NOTIFY, a wake and a claim of its
 * own. Other workers cannot take them meanwhile (the readying update holds their row locks
 * until the commit; claims skip locked rows) and find them running afterwards.
 */
export interface HandOff {
  workerId: string;
  tags: readonly string[];
  leaseMs: number;
  /** Inside the transaction, once `ready` steps are known: how many the worker takes (reserving its slots). */
  capacity(ready: number): number;
  /** After the commit: the steps claimed for the worker. Not called when nothing was claimed or on rollback. */
  claimed(steps: ClaimedStep[]): void;
}
