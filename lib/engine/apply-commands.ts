/**
 * apply-commands: persist what the reducer decided, in the caller's transaction.
 *
 * At most three statements whatever the number of changes:
 *   1. every step transition in one UPDATE from a jsonb recordset, with its "step-state"
 *      event rows and the archive of attempts that ended while waiting (the dispatcher
 *      archives every other attempt when it completes it);
 *   2. cancel requests for running steps (the dispatcher's heartbeat sees the flag and
 *      aborts the step), including ready steps being canceled that a worker claimed
 *      between the reducer's read and this write (claims don't take the run lock);
 *   3. the run row: status, error, timestamps and usage summed over every attempt, with a
 *      "run-state" event when the status changed, and a NOTIFY (run id) for listeners.
 * Statement 1 also NOTIFYs every step it made ready (STEP_READY_CHANNEL, step id), so the
 * notification commits with the transition and callers send none of their own.
 * Returns the ids of steps that became ready.
 */
import { sql, type SQL } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { RUN_EVENTS_CHANNEL, STEP_READY_CHANNEL } from "./contract";
import type { Command } from "./reducer";
import type { RunState } from "./run-state";

type StepCommand = Extract<Command, { type: "step-state" }>;

export async function applyCommands(tx: Executor, runId: string, state: RunState, commands: readonly Command[]): Promise<string[]> {
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
  if (transitions.length > 0) {
    await rows(
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
              when v.winner is not null then (select w.output from steps w where w.run_id = s.run_id and w.key = v.winner)
              when s.kind = 'approval' and v."from" = 'waiting' and v.state = 'succeeded' then 'approved'
              when v.reset then null else s.output end,
            output_truncated = case when v.reset then false else s.output_truncated end,
            summary = case when v.reset then null else s.summary end,
            diff = case
              when v.winner is not null then (select w.diff from steps w where w.run_id = s.run_id and w.key = v.winner)
              when v.reset then null else s.diff end,
            diff_stats = case
              when v.winner is not null then (select w.diff_stats from steps w where w.run_id = s.run_id and w.key = v.winner)
              when v.reset then null else s.diff_stats end,
            result_commit = case
              when v.winner is not null then (select w.result_commit from steps w where w.run_id = s.run_id and w.key = v.winner)
              when v.reset then null else s.result_commit end,
            worktree = case
              when v.winner is not null then (select w.worktree from steps w where w.run_id = s.run_id and w.key = v.winner)
              when v.reset then null else s.worktree end,
            branch = case
              when v.winner is not null then (select w.branch from steps w where w.run_id = s.run_id and w.key = v.winner)
              when v.reset then null else s.branch end,
            -- A re-run step keeps its recorded start commit (git state restored exactly);
            -- its reset descendants start from the new upstream results instead.
            start_commit = case
              when v.winner is not null then (select w.start_commit from steps w where w.run_id = s.run_id and w.key = v.winner)
              when v.reset and not v.keep_start then null else s.start_commit end,
            usage = case when v.reset then '{}'::jsonb else s.usage end,
            winner = case when v.winner is not null then v.winner when v.reset then null else s.winner end,
            detail = case
              when v.reset then '{}'::jsonb
              when v.retryable is not null then s.detail || jsonb_build_object('retryable', v.retryable)
              else s.detail end,
            max_attempts = coalesce(v.max_attempts, s.max_attempts),
            cancel_requested = case when v.reset then false else s.cancel_requested end,
            lease_owner = null,
            lease_expires_at = null,
            updated_at = now()
          from v
          -- Only from the state the reducer saw: a ready step a worker claimed meanwhile is
          -- left alone here (and asked to stop below when it was being canceled).
          where s.id = v.id and s.run_id = ${runId} and s.state = v."from"
          returning s.*, v."from" as from_state
        ),
        archived as (
          insert into step_attempts (step_id, attempt, run_id, state, prompt, output, output_truncated,
            error, detail, branch, start_commit, result_commit, diff, diff_stats, usage, started_at, finished_at)
          select id, attempt, run_id, state, prompt, output, output_truncated, error, detail, branch,
            start_commit, result_commit, diff, diff_stats, usage, started_at, finished_at
          from updated
          where from_state = 'waiting' and attempt > 0
          on conflict (step_id, attempt) do update set state = excluded.state, output = excluded.output,
            error = excluded.error, finished_at = excluded.finished_at
          returning step_id, attempt, usage
        ),
        -- The run's usage as the statement's end will leave it: this statement's snapshot does
        -- not see its own writes, so attempts archived here and the steps updated here are
        -- taken from the CTEs' RETURNING instead of the tables.
        now_steps as (
          select s.id, s.attempt, s.state, s.usage from steps s
          where s.run_id = ${runId} and not exists (select 1 from updated u where u.id = s.id)
          union all
          select id, attempt, state, usage from updated
        ),
        usage_rows as (
          select a.usage as u from step_attempts a
          where a.run_id = ${runId}
            and not exists (select 1 from archived x where x.step_id = a.step_id and x.attempt = a.attempt)
          union all
          select usage from archived
          union all
          ${unarchivedUsage(sql`now_steps`, sql`and not exists (select 1 from archived x where x.step_id = s.id and x.attempt = s.attempt)`)}
        ),
        ${runUpdate(runId, runCommand)},
        announced as (
          insert into step_events (run_id, step_id, attempt, type, data)
          select run_id, step_id, attempt, type, data from (
            select run_id, id as step_id, attempt, 'step-state' as type, 0 as position,
                   jsonb_strip_nulls(jsonb_build_object('state', state, 'from', from_state, 'error', error, 'winner', winner)) as data
            from updated
            union all
            ${runStateEvent(runCommand)}
          ) e
          order by e.position
        )
        select pg_notify(${RUN_EVENTS_CHANNEL}, id),
               (select count(*) from (select pg_notify(${STEP_READY_CHANNEL}, u.id) from updated u where u.state = 'ready') n) as readied
        from run_updated
      `,
    );
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
  return ready;
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
 * statement: each run's usage re-summed over its attempts, status/error/finished from its
 * command, a "run-state" event and a NOTIFY (run id) for each run whose command changed it.
 */
export async function updateRuns(tx: Executor, changes: ReadonlyArray<{ runId: string; command: RunCommand }>): Promise<void> {
  if (changes.length === 0) return;
  const recordset = changes.map(({ runId, command }) => ({
    run_id: runId,
    has_command: command !== undefined,
    status: command?.to ?? null,
    error: command?.error ?? null,
    finished: command?.finished ?? null,
  }));
  await rows(
    tx,
    sql`
      with v as (
        select * from jsonb_to_recordset(${JSON.stringify(recordset)}::jsonb)
          as v(run_id text, has_command boolean, status text, error text, finished boolean)
      ),
      -- Per run, correlated (index scans by run id): a join with the recordset is planned
      -- for ~100 rows and may hash-join over whole tables.
      total as (
        select v.run_id, (
          select jsonb_strip_nulls(jsonb_build_object(
            'inputTokens', sum((x.u->>'inputTokens')::numeric),
            'outputTokens', sum((x.u->>'outputTokens')::numeric),
            'totalTokens', sum((x.u->>'totalTokens')::numeric),
            'costUsd', sum((x.u->>'costUsd')::numeric)))
          from (
            select a.usage as u from step_attempts a where a.run_id = v.run_id
            union all
            select s.usage from steps s
            where s.run_id = v.run_id and s.attempt > 0 and s.state in ('succeeded', 'failed', 'canceled')
              and not exists (select 1 from step_attempts a where a.step_id = s.id and a.attempt = s.attempt)
          ) x
        ) as usage
        from v
      ),
      run_updated as (
        update runs r set
          usage = t.usage,
          status = coalesce(v.status, r.status),
          error = case when v.status is null then r.error else v.error end,
          finished_at = case
            when v.finished is null then r.finished_at
            when v.finished then coalesce(r.finished_at, now())
            else null end,
          updated_at = now()
        from v join total t on t.run_id = v.run_id
        where r.id = any(array(select run_id from v)) and r.id = v.run_id
        returning r.id, r.status, r.error, r.finished_at, v.has_command
      ),
      announced as (
        insert into step_events (run_id, step_id, attempt, type, data)
        select id, null, 0, 'run-state',
               jsonb_strip_nulls(jsonb_build_object('status', status, 'error', error, 'finished', finished_at is not null))
        from run_updated where has_command
        order by id
      )
      select pg_notify(${RUN_EVENTS_CHANNEL}, id) from run_updated where has_command
    `,
  );
}

/**
 * The current attempt of a step the dispatcher did not archive (none today; cheap insurance).
 * `steps` is the relation holding the steps' current (id, attempt, state, usage).
 */
function unarchivedUsage(steps: SQL, extra: SQL = sql``): SQL {
  return sql`
    select s.usage from ${steps} s
    where s.attempt > 0 and s.state in ('succeeded', 'failed', 'canceled')
      and not exists (select 1 from step_attempts a where a.step_id = s.id and a.attempt = s.attempt)
      ${extra}`;
}

/** CTEs `total` (usage summed over `usage_rows`) and `run_updated` (the run row, rewritten). */
function runUpdate(runId: string, command: RunCommand): SQL {
  const status = command?.to ?? null;
  const finished = command?.finished ?? null;
  return sql`
    total as (
      select jsonb_strip_nulls(jsonb_build_object(
        'inputTokens', sum((u->>'inputTokens')::numeric),
        'outputTokens', sum((u->>'outputTokens')::numeric),
        'totalTokens', sum((u->>'totalTokens')::numeric),
        'costUsd', sum((u->>'costUsd')::numeric))) as usage
      from usage_rows
    ),
    run_updated as (
      update runs r set
        usage = total.usage,
        status = coalesce(${status}::text, r.status),
        error = case when ${status}::text is null then r.error else ${command?.error ?? null}::text end,
        finished_at = case
          when ${finished}::boolean is null then r.finished_at
          when ${finished}::boolean then coalesce(r.finished_at, now())
          else null end,
        updated_at = now()
      from total
      where r.id = ${runId}
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

async function updateRun(tx: Executor, runId: string, command: RunCommand, stepsChanged: boolean): Promise<void> {
  await rows(
    tx,
    sql`
      with usage_rows as (
        select usage as u from step_attempts where run_id = ${runId}
        union all
        ${unarchivedUsage(sql`steps`, sql`and s.run_id = ${runId}`)}
      ),
      ${runUpdate(runId, command)},
      announced as (
        insert into step_events (run_id, step_id, attempt, type, data)
        select id, null, attempt, type, data from (${runStateEvent(command)}) as e(id, step_id, attempt, type, position, data)
      )
      select pg_notify(${RUN_EVENTS_CHANNEL}, id) from run_updated where ${command !== undefined || stepsChanged}::boolean
    `,
  );
}
