/**
 * The database schema: one source for PGlite (embedded default) and a Postgres server.
 *
 * Glossary (see shared/DESIGN.md):
 * - flow: a named graph; every save appends an immutable row to flow_versions.
 * - run: one execution of one flow version; pinned to (flow_id, flow_version).
 * - step: one node of one run (arena: one per contestant + one select step). The row holds
 *   the *current* attempt; every finished attempt is copied to step_attempts, so history
 *   survives re-runs.
 * - step_events: append-only log of what steps did; the bigserial id is the SSE event id.
 *
 * States are text columns guarded by CHECK constraints (not pg enums) so a new state is a
 * one-line migration and never an ALTER TYPE inside a transaction.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
// The states are part of the wire contract (lib/contract/run.ts), which the browser reads too.
import { RUN_STATUSES, STEP_STATES, type RunStatus, type StepState } from "../contract/run";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

export { RUN_STATUSES, STEP_STATES, type RunStatus, type StepState };

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

export const flows = pgTable(
  "flows",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    latestVersion: integer("latest_version").notNull().default(1),
    // Soft delete: runs keep pointing at their flow version, so history stays readable.
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [check("flows_name_not_empty", sql`length(trim(${t.name})) > 0`)],
);
export type FlowRow = typeof flows.$inferSelect;

export const flowVersions = pgTable(
  "flow_versions",
  {
    flowId: text("flow_id")
      .notNull()
      .references(() => flows.id),
    version: integer("version").notNull(),
    // The validated flow document (lib/flow/document.ts) exactly as saved. Never updated.
    document: jsonb("document").notNull(),
    message: text("message").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.flowId, t.version] }),
    check("flow_versions_version_positive", sql`${t.version} >= 1`),
  ],
);
export type FlowVersionRow = typeof flowVersions.$inferSelect;

/**
 * A flow's draft: what the editor saved while the flow had problems (invalid documents never
 * become versions). At most one per flow. Runs never read it — they use the latest version —
 * and saving a version from the same base deletes it.
 */
export const flowDrafts = pgTable(
  "flow_drafts",
  {
    flowId: text("flow_id")
      .primaryKey()
      .references(() => flows.id),
    // The document as the editor had it: shape-checked (lib/flows/drafts.ts), not validated.
    document: jsonb("document").notNull(),
    // Field text that didn't parse yet (the editor's field drafts), shown again on load.
    fields: jsonb("fields").notNull().default([]),
    // The version the draft was edited from.
    baseVersion: integer("base_version").notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [check("flow_drafts_base_version_positive", sql`${t.baseVersion} >= 1`)],
);
export type FlowDraftRow = typeof flowDrafts.$inferSelect;

export const AGENT_BACKENDS = ["acp", "command", "openai", "demo"] as const;

export const agentProfiles = pgTable(
  "agent_profiles",
  {
    id: text("id").primaryKey(),
    backend: text("backend").notNull(),
    label: text("label").notNull().default(""),
    // Backend settings. Secrets are stored only as env-var references ("$OPENAI_API_KEY").
    config: jsonb("config").notNull().default({}),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [check("agent_profiles_backend", sql`${t.backend} in (${inList(AGENT_BACKENDS)})`)],
);
export type AgentProfileRow = typeof agentProfiles.$inferSelect;

export const runs = pgTable(
  "runs",
  {
    id: text("id").primaryKey(),
    flowId: text("flow_id").notNull(),
    flowVersion: integer("flow_version").notNull(),
    status: text("status").$type<RunStatus>().notNull().default("pending"),
    inputs: jsonb("inputs").notNull().default({}),
    repo: text("repo"),
    baseRef: text("base_ref"),
    baseCommit: text("base_commit"),
    // The run this one re-runs as a whole (POST /api/runs/:id/rerun), if any.
    parentRunId: text("parent_run_id"),
    // Where the run came from: "ui", "api", "mcp".
    origin: text("origin").notNull().default("api"),
    keepWorktrees: boolean("keep_worktrees").notNull().default(false),
    // What a pooled worktree keeps between steps (lib/git/worktree-pool.ts): "clean" or
    // "keep-ignored"; null: each step's profile default, else "clean".
    worktreePolicy: text("worktree_policy"),
    error: text("error"),
    // Summed over archived attempts, added as each attempt is archived: {inputTokens, outputTokens, totalTokens, costUsd}.
    usage: jsonb("usage").notNull().default({}),
    // Bumped by every transaction that takes the run's lock to change its steps or status
    // (completions, people's actions, rescues): a process that wrote version N and then
    // finds N+1 after taking the lock knows nobody else changed the run in between.
    version: bigint("version", { mode: "number" }).notNull().default(0),
    // How many times a person re-ran a step of this run (POST …/steps/:id/rerun): the
    // history marks a run that succeeded only after one.
    stepReruns: integer("step_reruns").notNull().default(0),
    // When the run's attempt refs were deleted ("Delete this run's refs", or the retention):
    // its commits are no longer kept, so its result is no longer offered (lib/results).
    refsDeletedAt: timestamp("refs_deleted_at", { withTimezone: true }),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("runs_status", sql`${t.status} in (${inList(RUN_STATUSES)})`),
    check("runs_worktree_policy", sql`${t.worktreePolicy} is null or ${t.worktreePolicy} in ('clean', 'keep-ignored')`),
    index("runs_flow_created_idx").on(t.flowId, t.createdAt),
    index("runs_status_created_idx").on(t.status, t.createdAt),
    index("runs_created_idx").on(t.createdAt),
  ],
);
export type RunRow = typeof runs.$inferSelect;

export const steps = pgTable(
  "steps",
  {
    id: text("id").primaryKey(),
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    // Unique within a run: the node id for agent/fold/check/approval nodes and for an arena's
    // select step (so downstream steps depend on node ids uniformly); "<node>#<i>" for arena
    // contestant i.
    key: text("key").notNull(),
    kind: text("kind").notNull(),
    role: text("role").notNull().default("node"),
    state: text("state").$type<StepState>().notNull().default("pending"),
    // Keys of the steps this one waits for (the engine's dependency edges).
    dependsOn: jsonb("depends_on").$type<string[]>().notNull().default([]),
    // Immutable per attempt: what the step runs (node config + any re-run override).
    spec: jsonb("spec").notNull().default({}),
    attempt: integer("attempt").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(1),
    timeoutMs: integer("timeout_ms"),
    // Worker tags a claimant must have (e.g. "profile:claude", "repo:/src/app").
    requiredTags: jsonb("required_tags").$type<string[]>().notNull().default([]),
    // Lease: set by claim, renewed by heartbeat. A worker may only write while
    // fence = the value its claim returned; every claim increments it.
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    fence: bigint("fence", { mode: "number" }).notNull().default(0),
    // Leases lost with the worker holding them (rescue-expired counts them): the
    // infrastructure's failures, retried without spending the node's retry budget up to
    // LEASE_LOSS_LIMIT. A re-run of the step starts the count again.
    leaseLosses: integer("lease_losses").notNull().default(0),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    prompt: text("prompt"),
    output: text("output"),
    outputTruncated: boolean("output_truncated").notNull().default(false),
    summary: text("summary"),
    error: text("error"),
    // Exit code / stop reason / stderr tail, backend specific.
    detail: jsonb("detail").notNull().default({}),
    worktree: text("worktree"),
    branch: text("branch"),
    startCommit: text("start_commit"),
    resultCommit: text("result_commit"),
    diff: text("diff"),
    diffStats: jsonb("diff_stats"),
    usage: jsonb("usage").notNull().default({}),
    // For select steps: the winning contestant's key.
    winner: text("winner"),
    readyAt: timestamp("ready_at", { withTimezone: true }),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("steps_state", sql`${t.state} in (${inList(STEP_STATES)})`),
    check("steps_role", sql`${t.role} in ('node', 'contestant', 'select')`),
    check("steps_attempt_nonnegative", sql`${t.attempt} >= 0`),
    check("steps_max_attempts_positive", sql`${t.maxAttempts} >= 1`),
    check(
      "steps_running_has_lease",
      sql`${t.state} <> 'running' or (${t.leaseOwner} is not null and ${t.leaseExpiresAt} is not null)`,
    ),
    uniqueIndex("steps_run_key_idx").on(t.runId, t.key),
    // The claim query scans ready steps oldest first.
    index("steps_ready_idx")
      .on(t.readyAt)
      .where(sql`${t.state} = 'ready'`),
    index("steps_running_lease_idx")
      .on(t.leaseExpiresAt)
      .where(sql`${t.state} = 'running'`),
  ],
);
export type StepRow = typeof steps.$inferSelect;

/** One row per finished attempt of a step; the steps row only holds the latest. */
export const stepAttempts = pgTable(
  "step_attempts",
  {
    stepId: text("step_id")
      .notNull()
      .references(() => steps.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    runId: text("run_id").notNull(),
    state: text("state").$type<StepState>().notNull(),
    workerId: text("worker_id"),
    prompt: text("prompt"),
    output: text("output"),
    outputTruncated: boolean("output_truncated").notNull().default(false),
    error: text("error"),
    detail: jsonb("detail").notNull().default({}),
    branch: text("branch"),
    startCommit: text("start_commit"),
    resultCommit: text("result_commit"),
    diff: text("diff"),
    diffStats: jsonb("diff_stats"),
    usage: jsonb("usage").notNull().default({}),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.stepId, t.attempt] }),
    index("step_attempts_run_idx").on(t.runId),
  ],
);
export type StepAttemptRow = typeof stepAttempts.$inferSelect;

export const stepEvents = pgTable(
  "step_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: text("run_id").notNull(),
    stepId: text("step_id"),
    attempt: integer("attempt").notNull().default(0),
    // noun-verb: step-state, text-chunk, thought-chunk, tool-call, tool-call-update, plan,
    // log-line, usage-report, diff-update, run-state.
    type: text("type").notNull(),
    data: jsonb("data").notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index("step_events_run_id_idx").on(t.runId, t.id)],
);
export type StepEventRow = typeof stepEvents.$inferSelect;

export const workers = pgTable("workers", {
  id: text("id").primaryKey(),
  host: text("host").notNull(),
  pid: integer("pid").notNull(),
  tags: jsonb("tags").$type<string[]>().notNull().default([]),
  concurrency: integer("concurrency").notNull(),
  // "embedded" (inside the Next.js server) or "standalone" (npm run worker).
  mode: text("mode").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
  stoppedAt: timestamp("stopped_at", { withTimezone: true }),
});
export type WorkerRow = typeof workers.$inferSelect;

/**
 * Browser sessions (login with BATON_TOKEN → a cookie naming one of these rows). Logout
 * deletes the row, so its cookie stops working at once; expired rows are pruned on login.
 * Nothing secret is stored: the cookie's MAC (lib/auth/token.ts) is never written here.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("sessions_expires_idx").on(t.expiresAt)],
);
export type SessionRow = typeof sessions.$inferSelect;

/**
 * Settings a person changes on /settings, one row per key (lib/settings). A key without a row
 * falls back to its environment variable, then to its default: the page says which applies.
 */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: updatedAt(),
});
export type SettingRow = typeof settings.$inferSelect;
