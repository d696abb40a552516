/**
 * create-run: insert a run and all of its planned steps in ONE transaction, with the roots
 * already ready and announced (pg_notify in the same transaction, so a worker woken by it
 * finds committed rows). Initial readiness comes from the same reducer as every later
 * change, so an empty flow is simply born succeeded. Once committed, the run's state is
 * remembered by this process (run-state-cache.ts) at version 0.
 */
import { sql } from "drizzle-orm";
import { rows, type Orm } from "../db/client";
import { newId } from "../ids";
import { RUN_EVENTS_CHANNEL } from "./contract";
import { initialRunState } from "./initial-state";
import { notifyReadySteps } from "./notify-ready-steps";
import { reduce } from "./reducer";
import { runStateCache } from "./run-state-cache";
import type { Plan } from "./plan";

export interface NewRun {
  flowId: string;
  flowVersion: number;
  plan: Plan;
  repo?: string | null;
  baseRef?: string | null;
  /** The commit baseRef resolved to when the run was created. */
  baseCommit?: string | null;
  origin: string;
  parentRunId?: string | null;
  /** Keep step worktrees after the run ends (default: removed; attempt refs stay either way). */
  keepWorktrees?: boolean;
  /** runs.worktree_policy: "clean" | "keep-ignored", null for each step's profile default. */
  worktreePolicy?: string | null;
}

export interface CreatedRun {
  runId: string;
  /** Step id by step key. */
  stepIds: Record<string, string>;
  readyStepIds: string[];
}

export async function createRunOrThrow(db: Pick<Orm, "transaction">, input: NewRun): Promise<CreatedRun> {
  const runId = newId("run");
  const ids = input.plan.steps.map(() => newId("step"));
  const { state } = reduce(initialRunState(input.plan, ids), { type: "settle" });
  const records = input.plan.steps.map((step, i) => ({
    id: ids[i],
    node_id: step.nodeId,
    key: step.key,
    kind: step.kind,
    role: step.role,
    state: state.steps[i].state,
    error: state.steps[i].error,
    depends_on: step.dependsOn,
    spec: step.spec,
    max_attempts: step.maxAttempts,
    timeout_ms: step.timeoutMs,
    required_tags: step.requiredTags,
  }));
  const finished = state.finished;
  await db.transaction(async (tx) => {
    await rows(
      tx,
      sql`
        insert into runs (id, flow_id, flow_version, status, inputs, repo, base_ref, base_commit, origin, parent_run_id,
                          keep_worktrees, worktree_policy, started_at, finished_at)
        values (${runId}, ${input.flowId}, ${input.flowVersion}, ${state.status}, ${JSON.stringify(input.plan.inputs)}::jsonb,
                ${input.repo ?? null}, ${input.baseRef ?? null}, ${input.baseCommit ?? null}, ${input.origin}, ${input.parentRunId ?? null},
                ${input.keepWorktrees ?? false}, ${input.worktreePolicy ?? null}, now(), case when ${finished}::boolean then now() else null end)
      `,
    );
    if (records.length > 0) {
      await rows(
        tx,
        sql`
          with v as (
            select * from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as v(
              id text, node_id text, key text, kind text, role text, state text, error text,
              depends_on jsonb, spec jsonb, max_attempts int, timeout_ms int, required_tags jsonb)
          ),
          inserted as (
            insert into steps (id, run_id, node_id, key, kind, role, state, error, depends_on, spec,
                               max_attempts, timeout_ms, required_tags, ready_at)
            select id, ${runId}, node_id, key, kind, role, state, error, depends_on, spec,
                   max_attempts, timeout_ms, required_tags, case when state = 'ready' then now() else null end
            from v
            returning id, state
          )
          insert into step_events (run_id, step_id, attempt, type, data)
          select ${runId}, id, 0, 'step-state', jsonb_build_object('state', state)
          from inserted where state <> 'pending'
        `,
      );
    }
    await rows(
      tx,
      sql`
        with announced as (
          insert into step_events (run_id, step_id, attempt, type, data)
          values (${runId}, null, 0, 'run-state', jsonb_build_object('status', ${state.status}::text, 'finished', ${finished}::boolean))
        )
        select pg_notify(${RUN_EVENTS_CHANNEL}, ${runId})
      `,
    );
    await notifyReadySteps(
      tx,
      records.filter((r) => r.state === "ready").map((r) => r.id),
    );
  });
  // The run as committed, at version 0: a worker of this process completing its first step
  // can then write the completion and the advance in one statement (complete-fast).
  runStateCache.put(runId, 0, state);
  return {
    runId,
    stepIds: Object.fromEntries(records.map((r) => [r.key, r.id])),
    readyStepIds: records.filter((r) => r.state === "ready").map((r) => r.id),
  };
}
