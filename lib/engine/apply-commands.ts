/**
 * apply-commands: persist what the reducer decided, in the caller's transaction.
 *
 * At most two statements whatever the number of changes:
 *   1. every step transition in one UPDATE from a jsonb recordset, with its "step-state"
 *      event rows, the archive of attempts that ended while waiting (the dispatcher
 *      archives every other attempt when it completes it) — their usage added to the run's
 *      total — and the run row when its status changes (with a "run-state" event);
 *      NOTIFYs the run id for listeners;
 *   2. cancel requests for running steps (the dispatcher's heartbeat sees the flag and
 *      aborts the step), including ready steps being canceled that a worker claimed
 *      between the reducer's read and this write (claims don't take the run lock).
 * Without step transitions, statement 1 is the run row alone (when its status changes).
 * Statement 1 also NOTIFYs every step it made ready (STEP_READY_CHANNEL, step id), so the
 * notification commits with the transition and callers send none of their own.
 *
 * The run's usage is never re-summed here: each archived attempt's usage is added once,
 * by the statement that archives it (usage-sql.ts).
 */
import { sql, type SQL } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { KINDS_ANSWERED_BY_PERSON } from "../kinds";
import { RUN_EVENTS_CHANNEL, STEP_READY_CHANNEL } from "./contract";
import type { Command } from "./reducer";
import type { RunState } from "./run-state";
import { archiveAttemptsSql } from "./archive-attempts-sql";
import { addUsage, sumUsage } from "./usage-sql";

type StepCommand = Extract<Command, { type: "step-state" }>;

/**
 * A select step takes these from its winner (`w`, joined on v.winner); a reset clears them;
 * otherwise they stay. Column names are constants, never input.
 */
const WINNER_COLUMNS = sql.raw(
  ["diff", "diff_stats", "result_commit", "worktree", "branch"]
    .map((c) => `${c} = case when v.winner is not null then w.${c} when v.reset then null else s.${c} end`)
    .join(",\n            "),
);

/** The kinds whose waiting step a person approves (lib/kinds), as a jsonb array parameter. */
const ANSWERED_BY_PERSON = JSON.stringify(KINDS_ANSWERED_BY_PERSON);

export interface Applied {
  /** Steps that became ready. */
  readyStepIds: string[];
  /**
   * Every step transition found its step in the state the reducer saw. False when a worker
   * claimed a step between the read and the write (that transition was skipped): the
   * database then differs from the reduced state.
   */
  exact: boolean;
}

export async function applyCommands(tx: Executor, runId: string, state: RunState, commands: readonly Command[]): Promise<Applied> {
  const idOf = new Map(state.steps.map((s) => [s.key, s.id]));
  // Several commands may touch one step in one reduction (e.g. reset, then ready): the last wins.
  const finalByKey = new Map<string, StepCommand & { first: StepCommand }>();
  for (const command of commands) {
    if (command.type !== "step-state") continue;
    const earlier = finalByKey.get(command.key);
    finalByKey.set(command.key, {
      ...(earlier ?? {}),
      ...command,
      reset: Boolean(command.reset || earlier?.reset),
      first: earlier?.first ?? command,
    });
  }
  const transitions = [...finalByKey.values()].map((c) => ({
    id: idOf.get(c.key)!,
    from: c.first.from,
    state: c.to,
    set_error: c.error !== undefined,
    error: c.error ?? null,
    reset: c.reset ?? false,
    keep_start: c.keepStart ?? false,
    max_attempts: c.maxAttempts ?? null,
    winner: c.winner ?? null,
    retryable: c.retryable ?? null,
  }));
  const ready = transitions.filter((t) => t.state === "ready").map((t) => t.id);
  const cancels = [
    ...commands.filter((c) => c.type === "step-cancel-request").map((c) => idOf.get(c.key)!),
    // A ready step claimed between our read and our write is running now: ask it to stop.
    ...transitions.filter((t) => t.state === "canceled" && t.from === "ready").map((t) => t.id),
  ];
  const runCommand = commands.findLast((c) => c.type === "run-state");
  let exact = true;
  if (transitions.length > 0) {
    const [{ transitioned }] = await rows<{ transitioned: number }>(
      tx,
      sql`
        with v as (
          select * from jsonb_to_recordset(${JSON.stringify(transitions)}::jsonb) as v(
            id text, "from" text, state text, set_error boolean, error text, reset boolean, keep_start boolean,
            max_attempts int, winner text, retryable boolean)
        ),
        updated as (
          update steps s set
            state = v.state,
            error = case when v.set_error or v.reset then v.error else s.error end,
            ready_at = case when v.state = 'ready' then now() else s.ready_at end,
            started_at = case when v.reset then null else s.started_at end,
            finished_at = case
              when v.state in ('succeeded', 'failed', 'canceled', 'skipped') then now()
              when v.reset then null else s.finished_at end,
            output = case
              when v.winner is not null then w.output
              -- A person's approval is the step's output.
              when v."from" = 'waiting' and v.state = 'succeeded'
                and s.kind in (select jsonb_array_elements_text(${ANSWERED_BY_PERSON}::jsonb)) then 'approved'
              when v.reset then null else s.output end,
            output_truncated = case when v.reset then false else s.output_truncated end,
            summary = case when v.reset then null else s.summary end,
            ${WINNER_COLUMNS},
            -- A re-run step keeps its recorded start commit (git state restored exactly);
            -- its reset descendants start from the new upstream results instead.
            start_commit = case
              when v.winner is not null then w.start_commit
              when v.reset and not v.keep_start then null else s.start_commit end,
            usage = case when v.reset then '{}'::jsonb else s.usage end,
            winner = case when v.winner is not null then v.winner when v.reset then null else s.winner end,
            detail = case
              when v.reset then '{}'::jsonb
              when v.retryable is not null then s.detail || jsonb_build_object('retryable', v.retryable)
              else s.detail end,
            max_attempts = coalesce(v.max_attempts, s.max_attempts),
            cancel_requested = case when v.reset then false else s.cancel_requested end,
            lease_losses = case when v.reset then 0 else s.lease_losses end,
            lease_owner = null,
            lease_expires_at = null,
            updated_at = now()
          from v left join steps w on w.run_id = ${runId} and w.key = v.winner
          -- Only from the state the reducer saw: a ready step a worker claimed meanwhile is
          -- left alone here (and asked to stop below when it was being canceled).
          where s.id = v.id and s.run_id = ${runId} and s.state = v."from"
          returning s.*, v."from" as from_state, v.reset as was_reset
        ),
        archived as (${archiveAttemptsSql(sql`updated`, {}, {
          where: sql`from_state = 'waiting' and attempt > 0`,
          onConflict: sql`do update set state = excluded.state, output = excluded.output,
            error = excluded.error, finished_at = excluded.finished_at`,
          // Only a first archive adds its usage to the run (xmax = 0: inserted, not updated).
          returning: sql`step_id, attempt, case when xmax = 0 then usage end as usage`,
        })}),
        ${runUpdate(runId, runCommand, sql`archived`)},
        announced as (
          insert into step_events (run_id, step_id, attempt, type, data)
          select run_id, step_id, attempt, type, data from (
            select run_id, id as step_id, attempt, 'step-state' as type, 0 as position,
                   -- reset: the attempt's results were cleared (a re-run and its descendants).
                   jsonb_strip_nulls(jsonb_build_object('state', state, 'from', from_state, 'error', error, 'winner', winner,
                     'reset', case when was_reset then true end)) as data
            from updated
            union all
            ${runStateEvent(runCommand)}
          ) e
          order by e.position
        )
        select pg_notify(${RUN_EVENTS_CHANNEL}, ${runId}::text),
               (select count(*) from (select pg_notify(${STEP_READY_CHANNEL}, u.id) from updated u where u.state = 'ready') n) as readied,
               (select count(*) from updated)::int as transitioned
      `,
    );
    exact = transitioned === transitions.length;
  }
  if (cancels.length > 0) {
    await rows(
      tx,
      sql`
        update steps set cancel_requested = true, updated_at = now()
        where run_id = ${runId} and state = 'running'
          and id in (select jsonb_array_elements_text(${JSON.stringify(cancels)}::jsonb))
      `,
    );
  }
  if (transitions.length === 0) await updateRun(tx, runId, runCommand, cancels.length > 0);
  return { readyStepIds: ready, exact };
}

type RunCommand = Extract<Command, { type: "run-state" }> | undefined;

/**
 * Pure: when a reduction changes no step (its commands are run-state ones at most), the run
 * row is all there is to write, and several such runs can share one statement (updateRuns).
 * Returns `{ command }` (the last run-state command, if any) in that case, else null.
 */
export function runOnlyChange(commands: readonly Command[]): { command: RunCommand } | null {
  if (commands.some((c) => c.type !== "run-state")) return null;
  return { command: commands.findLast((c) => c.type === "run-state") };
}

/**
 * What applyCommands does for a reduction without step changes, for several runs in ONE
 * statement: status/error/finished from each run's command, a "run-state" event and a
 * NOTIFY (run id) per run. A run without a command has nothing to write.
 */
export async function updateRuns(tx: Executor, changes: ReadonlyArray<{ runId: string; command: RunCommand }>): Promise<void> {
  const recordset = changes.flatMap(({ runId, command }) =>
    command ? [{ run_id: runId, status: command.to, error: command.error, finished: command.finished }] : [],
  );
  if (recordset.length === 0) return;
  await rows(
    tx,
    sql`
      with v as (
        select * from jsonb_to_recordset(${JSON.stringify(recordset)}::jsonb)
          as v(run_id text, status text, error text, finished boolean)
      ),
      run_updated as (
        update runs r set
          status = v.status,
          error = v.error,
          finished_at = case when v.finished then coalesce(r.finished_at, now()) else null end,
          updated_at = now()
        from v
        -- = any(array(...)): index lookups whatever the table's size (a join with the
        -- recordset is planned for ~100 rows and may hash-join over a full scan).
        where r.id = any(array(select run_id from v)) and r.id = v.run_id
        returning r.id, r.status, r.error, r.finished_at
      ),
      announced as (
        insert into step_events (run_id, step_id, attempt, type, data)
        select id, null, 0, 'run-state',
               jsonb_strip_nulls(jsonb_build_object('status', status, 'error', error, 'finished', finished_at is not null))
        from run_updated
        order by id
      )
      select pg_notify(${RUN_EVENTS_CHANNEL}, id) from run_updated
    `,
  );
}

/**
 * CTE `run_updated`: the run row, written when its status changes (`command`) or when
 * attempts archived by the statement (`archived`: a relation with a `usage` column, null for
 * rows that add nothing) add to its usage.
 */
function runUpdate(runId: string, command: RunCommand, archived: SQL): SQL {
  const status = command?.to ?? null;
  const finished = command?.finished ?? null;
  return sql`
    run_updated as (
      update runs r set
        usage = ${addUsage(sql`r.usage`, sql`(select ${sumUsage(sql`a.usage`)} from ${archived} a)`)},
        status = coalesce(${status}::text, r.status),
        error = case when ${status}::text is null then r.error else ${command?.error ?? null}::text end,
        finished_at = case
          when ${finished}::boolean is null then r.finished_at
          when ${finished}::boolean then coalesce(r.finished_at, now())
          else null end,
        updated_at = now()
      where r.id = ${runId}
        and (${command !== undefined}::boolean or exists (select 1 from ${archived} a where a.usage is not null))
      returning r.id, r.status, r.error, r.finished_at
    )`;
}

/** Rows (run_id, step_id, attempt, type, position, data) of the "run-state" event, if the status changed. */
function runStateEvent(command: RunCommand): SQL {
  return sql`
    select id, null, 0, 'run-state', 1,
           jsonb_strip_nulls(jsonb_build_object('status', status, 'error', error, 'finished', finished_at is not null))
    from run_updated where ${command !== undefined}::boolean`;
}

/** The run row without step transitions: its status, or only a NOTIFY when cancel requests changed steps. */
async function updateRun(tx: Executor, runId: string, command: RunCommand, stepsChanged: boolean): Promise<void> {
  if (command) {
    await updateRuns(tx, [{ runId, command }]);
  } else if (stepsChanged) {
    await rows(tx, sql`select pg_notify(${RUN_EVENTS_CHANNEL}, ${runId}::text)`);
  }
}
