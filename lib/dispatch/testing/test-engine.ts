/**
 * A small Engine for the dispatcher's own tests and process tests: what matters there is
 * Postgres concurrency, not node semantics, so steps are scripted through their `spec`:
 *   { delayMs?: number, chunks?: number, hang?: boolean, fail?: "retryable" | "fatal" }
 * executeStep emits `chunks` text chunks ("<key>:<i>;"), waits `delayMs` in total, and
 * succeeds with the concatenated text as output (so events can be checked against it).
 * advanceRun: a pending step whose dependencies all succeeded → ready (and NOTIFYed); one with a
 * failed/skipped/canceled dependency → skipped; the run ends when every step is terminal.
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../../db/client";
import { STEP_READY_CHANNEL, type Advance, type Engine, type StepContext, type StepOutcome } from "../../engine/contract";
import { pause as sleep } from "../../process/pause";

export interface TestStepSpec {
  delayMs?: number;
  chunks?: number;
  hang?: boolean;
  fail?: "retryable" | "fatal";
}

export interface TestEngineStats {
  executions: number;
  concurrent: number;
  maxConcurrent: number;
}

export function expectedOutput(key: string, chunks: number): string {
  let out = "";
  for (let i = 0; i < chunks; i++) out += `${key}:${i};`;
  return out;
}


export function createTestEngine(): Engine & { stats: TestEngineStats } {
  const stats: TestEngineStats = { executions: 0, concurrent: 0, maxConcurrent: 0 };
  return {
    stats,
    async executeStep(context: StepContext): Promise<StepOutcome> {
      const { step, signal } = context;
      const spec = step.spec as TestStepSpec;
      stats.executions += 1;
      stats.concurrent += 1;
      stats.maxConcurrent = Math.max(stats.maxConcurrent, stats.concurrent);
      try {
        const chunks = spec.chunks ?? 0;
        const pause = chunks > 0 ? (spec.delayMs ?? 0) / chunks : (spec.delayMs ?? 0);
        let output = "";
        if (chunks === 0 && pause > 0) await sleep(pause, signal);
        for (let i = 0; i < chunks && !signal.aborted; i++) {
          const text = `${step.key}:${i};`;
          output += text;
          context.emit({ type: "text-chunk", data: { text } });
          if (pause > 0) await sleep(pause, signal);
        }
        if (spec.hang) await sleep(24 * 3600_000, signal);
        if (signal.aborted) return { state: "canceled", output };
        if (spec.fail) return { state: "failed", error: "scripted failure", retryable: spec.fail === "retryable", output };
        return { state: "succeeded", output };
      } finally {
        stats.concurrent -= 1;
      }
    },
    advanceRun: advanceTestRun,
  };
}

export async function advanceTestRun(tx: Executor, runId: string): Promise<Advance> {
  // Serialise concurrent completions of one run: without this lock two transactions each
  // see the other's step still running (READ COMMITTED snapshots) and both leave the run
  // "running" forever. After the lock, each statement's snapshot sees the other's commit.
  await rows(tx, sql`select id from runs where id = ${runId} for update`);
  // Skips propagate one level per pass; loop to the fixpoint (only when something failed).
  for (;;) {
    const skipped = await rows<{ id: string }>(
      tx,
      sql`
        with bad as (
          select array_agg(key) as keys from steps
          where run_id = ${runId} and state in ('failed', 'skipped', 'canceled')
        )
        update steps s set state = 'skipped', finished_at = now(), updated_at = now()
        from bad
        where s.run_id = ${runId} and s.state = 'pending' and bad.keys is not null and s.depends_on ?| bad.keys
        returning s.id
      `,
    );
    if (skipped.length === 0) break;
  }
  // A pending step is ready when its dependency keys ⊆ the run's succeeded keys.
  const ready = await rows<{ id: string }>(
    tx,
    sql`
      with done as (
        select coalesce(jsonb_agg(key), '[]'::jsonb) as keys from steps where run_id = ${runId} and state = 'succeeded'
      )
      update steps s set state = 'ready', ready_at = now(), updated_at = now()
      from done
      where s.run_id = ${runId} and s.state = 'pending' and s.depends_on <@ done.keys
      returning s.id, pg_notify(${STEP_READY_CHANNEL}, s.id)
    `,
  );
  const [run] = await rows<{ ended: boolean }>(
    tx,
    sql`
      update runs r set
        status = case
          when c.open > 0 then 'running'
          when c.bad > 0 then 'failed'
          else 'succeeded' end,
        finished_at = case when c.open > 0 then null else now() end,
        updated_at = now()
      from (
        select count(*) filter (where state in ('pending', 'ready', 'running', 'waiting')) as open,
               count(*) filter (where state in ('failed', 'canceled', 'skipped')) as bad
        from steps where run_id = ${runId}
      ) c, (select finished_at as was from runs where id = ${runId}) old
      where r.id = ${runId}
      returning (c.open = 0 and old.was is null) as ended
    `,
  );
  return { readyStepIds: ready.map((r) => r.id), ended: Boolean(run?.ended) };
}
