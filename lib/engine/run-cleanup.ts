/**
 * Files of finished runs: when a run reaches a terminal status the step worktrees left in its
 * directory go back to their repository's pool or are removed (unless runs.keep_worktrees;
 * attempt refs stay until their retention ends) and its scratch directories are deleted.
 * The sweep also removes pooled worktrees idle longer than the pool's idle limit.
 *
 * Never inside a transaction: git work under a held run lock would stall every writer of the
 * run. Triggers, all after the deciding transaction committed:
 * - the worker whose completion ended the run (Engine.onRunEnded, engine.ts), followed by a
 *   throttled sweep;
 * - people's actions that can end a run (cancel, approve, select): after their transaction;
 * - a sweep, at most once a minute per process, for runs ended any other way (the rescuer
 *   failing a step past its retry limit).
 * Idempotent and safe when several processes race: removing what is gone is a no-op, and
 * the status is re-read right before removing, so a run re-opened by a re-run keeps its files.
 * A run with a step still running is never cleaned, whatever its status (cancel).
 */
import fs from "node:fs/promises";
import path from "node:path";
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { pathExists } from "../path-exists";
import { cleanupRunWorktrees, listRunWorktrees } from "../git/remove-worktree";
import { evictIdleFromAllPools, poolLimits, returnAnyWorktreeToPool } from "../git/worktree-pool";
import { refSegment, runWorktreesDir, worktreesRoot } from "../git/ref-names";
import { currentRetention } from "../settings/retention";
import { pruneExpiredRefs, pruneExpiredWorktrees } from "./ref-retention";

const TERMINAL = ["succeeded", "failed", "canceled"];
const inFlight = new Map<string, Promise<boolean>>();

export function scratchRoot(dataDir: string): string {
  return path.join(dataDir, "scratch");
}

/**
 * Removes the run's worktrees and scratch dirs if the run has ended. True when something was
 * there and the run had ended. A run without files costs two existence checks and no query.
 */
export function cleanupRunIfFinished(db: Executor, dataDir: string, runId: string): Promise<boolean> {
  const key = `${path.resolve(dataDir)}\0${runId}`;
  const running = inFlight.get(key);
  if (running) return running;
  const task = cleanup(db, dataDir, runId).finally(() => inFlight.delete(key));
  inFlight.set(key, task);
  return task;
}

async function cleanup(db: Executor, dataDir: string, runId: string): Promise<boolean> {
  const worktrees = runWorktreesDir(worktreesRoot(dataDir), runId);
  const scratch = path.join(scratchRoot(dataDir), runId);
  if (!(await pathExists(worktrees)) && !(await pathExists(scratch))) return false;
  // Listed before the status is read: a step re-run after this point works in a directory of
  // its own that this list can't name, so it survives a cleanup that raced the re-run.
  const entries = await listRunWorktrees(worktreesRoot(dataDir), runId);
  const [run] = await rows<{ status: string; keep_worktrees: boolean; busy: boolean }>(
    db,
    sql`select status, keep_worktrees,
               exists (select 1 from steps where run_id = ${runId} and state = 'running') as busy
        from runs where id = ${runId}`,
  );
  // A canceled run is terminal while its agents are still stopping: their worktrees stay until
  // the last running step has finished (and committed what it did); that completion cleans up.
  if (!run || !TERMINAL.includes(run.status) || run.busy) return false;
  if (!run.keep_worktrees) {
    // Worktrees still in the run's directory (a check's, a canceled step's, one a crash left)
    // go to their repository's pool, which resets them at the next hand-out; the rest goes.
    const limits = poolLimits();
    const left: string[] = [];
    for (const entry of entries) {
      const pooled = limits.size > 0 && (await returnAnyWorktreeToPool(worktreesRoot(dataDir), path.join(worktrees, entry), limits).catch(() => false));
      if (!pooled) left.push(entry);
    }
    await cleanupRunWorktrees(worktreesRoot(dataDir), runId, left);
  }
  await fs.rm(scratch, { recursive: true, force: true });
  return true;
}

const lastSweep = new Map<string, number>();
const SWEEP_EVERY_MS = 60_000;

const lastRefPrune = new Map<string, number>();
const PRUNE_REFS_EVERY_MS = 60 * 60_000;

/**
 * Cleans up every run that still has files under the data dir but has ended, and deletes
 * the attempt refs of runs past their retention (ref-retention.ts; at most hourly). Throttled
 * per data dir unless `force`. Worktree dirs are named by refSegment(runId), scratch dirs by
 * the run id; both are matched back to run ids through the database.
 */
export async function sweepFinishedRuns(db: Executor, dataDir: string, force = false): Promise<string[]> {
  const key = path.resolve(dataDir);
  if (!force && Date.now() - (lastSweep.get(key) ?? 0) < SWEEP_EVERY_MS) return [];
  lastSweep.set(key, Date.now());
  if (Date.now() - (lastRefPrune.get(key) ?? 0) >= PRUNE_REFS_EVERY_MS) {
    lastRefPrune.set(key, Date.now());
    await pruneExpired(db, dataDir).catch((error: unknown) => {
      console.error(`[baton] pruning expired attempt refs and worktrees failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  await evictIdleFromAllPools(worktreesRoot(dataDir), poolLimits().idleMs).catch((error: unknown) => {
    console.error(`[baton] evicting idle pooled worktrees failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    const names = new Set([...(await listDir(worktreesRoot(dataDir))), ...(await listDir(scratchRoot(dataDir)))]);
    if (names.size === 0) return [];
    const ended = await rows<{ id: string }>(
      db,
      sql`select id from runs where status in ('succeeded', 'failed', 'canceled')
          and (id in (select jsonb_array_elements_text(${JSON.stringify([...names])}::jsonb)))`,
    );
    // Worktree dirs use refSegment(runId), equal to the id for Baton's ids; check both ways.
    const cleaned: string[] = [];
    for (const { id } of ended) {
      if (!names.has(id) && !names.has(refSegment(id))) continue;
      if (await cleanupRunIfFinished(db, dataDir, id)) cleaned.push(id);
    }
    return cleaned;
  } catch (error) {
    console.error(`[baton] sweeping finished runs failed: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}

/** Applies the retention in force now (lib/settings/retention.ts) to refs and kept worktrees. */
export async function pruneExpired(db: Executor, dataDir: string): Promise<{ days: number | null; refs: number; runs: string[]; worktreeRuns: string[] }> {
  const { days } = await currentRetention(db);
  if (days === null) return { days, refs: 0, runs: [], worktreeRuns: [] };
  const pruned = await pruneExpiredRefs(db, days);
  const worktreeRuns = await pruneExpiredWorktrees(db, dataDir, days);
  return { days, refs: pruned.reduce((n, p) => n + p.refs.length, 0), runs: pruned.map((p) => p.runId), worktreeRuns };
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}
