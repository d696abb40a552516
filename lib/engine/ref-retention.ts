/**
 * Retention of attempt refs (`refs/baton/<run>/…`) and kept worktrees: a run that ended more
 * than the retention period ago (the /settings value, else BATON_REF_RETENTION_DAYS, else 30
 * days; `forever` keeps them: lib/settings/retention.ts) loses its refs in its repository and
 * the worktrees it kept (`keepWorktrees`). Applied by the cleanup sweep (run-cleanup.ts), at
 * most every PRUNE_EVERY_MS per data dir, or at once from /settings. A branch made from a
 * result (the step panel's "Check out as a branch") is a normal branch and is never touched.
 *
 * Only refs of runs this database knows as ended before the cutoff are deleted: another Baton
 * installation using the same repository keeps its own refs. A re-opened run (a step re-run)
 * is not ended, so it keeps its refs.
 */
import fs from "node:fs/promises";
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { deleteRefs, runsWithRefs } from "../git/attempt-refs";
import { refSegment, worktreesRoot } from "../git/ref-names";
import { cleanupRunWorktrees } from "../git/remove-worktree";
import { pathExists } from "../path-exists";

export const DEFAULT_REF_RETENTION_DAYS = 30;

/** Days to keep a finished run's refs, or null to keep them forever. */
export function refRetentionDays(env: Record<string, string | undefined> = process.env): number | null {
  const raw = env.BATON_REF_RETENTION_DAYS?.trim();
  if (raw === undefined || raw === "") return DEFAULT_REF_RETENTION_DAYS;
  if (raw === "forever") return null;
  if (/^\d{1,5}$/.test(raw)) return Number(raw);
  console.error(`[baton] BATON_REF_RETENTION_DAYS must be a number of days or "forever", got "${raw}"; using ${DEFAULT_REF_RETENTION_DAYS}`);
  return DEFAULT_REF_RETENTION_DAYS;
}

/** Records that a run's refs are gone (kept from the first deletion on); its result is then no longer offered. */
export async function markRefsDeleted(db: Executor, runId: string): Promise<void> {
  await db.execute(sql`update runs set refs_deleted_at = coalesce(refs_deleted_at, now()) where id = ${runId}`);
}

export interface PrunedRefs {
  repo: string;
  runId: string;
  refs: string[];
}

/** Deletes the attempt refs of every run that ended before `now - days`. */
export async function pruneExpiredRefs(db: Executor, days: number, now: Date = new Date()): Promise<PrunedRefs[]> {
  const cutoff = new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
  const repos = await rows<{ repo: string }>(
    db,
    sql`select distinct repo from runs
        where repo is not null and status in ('succeeded', 'failed', 'canceled') and finished_at < ${cutoff.toISOString()}`,
  );
  const pruned: PrunedRefs[] = [];
  for (const { repo } of repos) {
    if (!(await pathExists(repo))) continue;
    const byRun = await runsWithRefs(repo);
    if (byRun.size === 0) continue;
    const ended = await rows<{ id: string }>(
      db,
      sql`select id from runs
          where repo = ${repo} and status in ('succeeded', 'failed', 'canceled') and finished_at < ${cutoff.toISOString()}
            and id in (select jsonb_array_elements_text(${JSON.stringify([...byRun.keys()])}::jsonb))`,
    );
    for (const { id } of ended) {
      const refs = byRun.get(refSegment(id)) ?? [];
      if (refs.length === 0) continue;
      await deleteRefs(repo, refs);
      await markRefsDeleted(db, id);
      pruned.push({ repo, runId: id, refs });
    }
  }
  return pruned;
}

/**
 * Removes the worktree directories of runs that ended before `now - days` (runs started with
 * keepWorktrees keep theirs until then; other runs' were removed when they ended). Answers
 * the run ids whose worktrees went. The pool (`.pool`) is not a run and is never matched.
 */
export async function pruneExpiredWorktrees(db: Executor, dataDir: string, days: number, now: Date = new Date()): Promise<string[]> {
  const root = worktreesRoot(dataDir);
  let names: string[];
  try {
    names = (await fs.readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => e.name);
  } catch {
    return [];
  }
  if (names.length === 0) return [];
  const cutoff = new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
  const ended = await rows<{ id: string }>(
    db,
    sql`select id from runs
        where status in ('succeeded', 'failed', 'canceled') and finished_at < ${cutoff.toISOString()}
          and not exists (select 1 from steps where run_id = runs.id and state = 'running')
          and id in (select jsonb_array_elements_text(${JSON.stringify(names)}::jsonb))`,
  );
  const pruned: string[] = [];
  for (const { id } of ended) {
    if (refSegment(id) !== id) continue;
    const { removed } = await cleanupRunWorktrees(root, id);
    if (removed.length > 0) pruned.push(id);
  }
  return pruned;
}
