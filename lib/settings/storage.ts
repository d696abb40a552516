/**
 * The space runs leave behind, as /settings shows it next to the retention setting:
 * - per repository runs used: how many runs still have attempt refs there, how many refs,
 *   and the bytes of objects only those refs keep (`git rev-list --disk-usage` of
 *   refs/baton/ minus everything reachable from branches, tags and remotes) — what deleting
 *   them (and a gc) can give back;
 * - under the data dir: the worktrees runs kept (per run directory) and the worktree pool.
 * Read-only; a repository that is gone or unreadable is listed with why.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import { runsWithRefs } from "../git/attempt-refs";
import { ATTEMPT_REF_NAMESPACE, worktreesRoot } from "../git/ref-names";
import { runGitOrThrow } from "../git/run-git";
import { poolsRoot } from "../git/worktree-pool";
import { pathExists } from "../path-exists";

export interface RepoRefStorage {
  repo: string;
  runs: number;
  refs: number;
  /** Bytes of objects reachable only from Baton's refs; null when it couldn't be measured. */
  bytes: number | null;
  note: string | null;
}

export interface StorageReport {
  repos: RepoRefStorage[];
  worktrees: { runs: number; bytes: number };
  pool: { worktrees: number; bytes: number };
}

async function refBytes(repo: string): Promise<number> {
  const { stdout } = await runGitOrThrow(
    ["rev-list", "--objects", "--disk-usage", `--glob=${ATTEMPT_REF_NAMESPACE.replace(/\/$/, "")}`, "--not", "--branches", "--tags", "--remotes"],
    { cwd: repo },
  );
  return Number(stdout.trim()) || 0;
}

async function repoStorage(repo: string): Promise<RepoRefStorage> {
  if (!(await pathExists(repo))) return { repo, runs: 0, refs: 0, bytes: null, note: "the repository no longer exists" };
  try {
    const byRun = await runsWithRefs(repo);
    const refs = [...byRun.values()].reduce((n, list) => n + list.length, 0);
    return { repo, runs: byRun.size, refs, bytes: refs === 0 ? 0 : await refBytes(repo), note: null };
  } catch (error) {
    return { repo, runs: 0, refs: 0, bytes: null, note: error instanceof Error ? error.message : String(error) };
  }
}

/** Bytes of files under `dir` (symlinks counted as links, not followed); 0 when it is missing. */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  let entries: import("node:fs").Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await directoryBytes(full);
    else total += await fs.lstat(full).then((s) => s.size, () => 0);
  }
  return total;
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

export async function storageReport(db: Executor, dataDir: string): Promise<StorageReport> {
  const repos = await rows<{ repo: string }>(db, sql`select distinct repo from runs where repo is not null order by repo`);
  const root = worktreesRoot(dataDir);
  const runDirs = (await subdirectories(root)).filter((name) => path.join(root, name) !== poolsRoot(root));
  let runBytes = 0;
  for (const name of runDirs) runBytes += await directoryBytes(path.join(root, name));
  const poolRoot = poolsRoot(root);
  let pooled = 0;
  for (const repoPool of await subdirectories(poolRoot)) pooled += (await subdirectories(path.join(poolRoot, repoPool))).length;
  return {
    repos: await Promise.all(repos.map((r) => repoStorage(r.repo))),
    worktrees: { runs: runDirs.length, bytes: runBytes },
    pool: { worktrees: pooled, bytes: await directoryBytes(poolRoot) },
  };
}
