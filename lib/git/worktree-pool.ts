/**
 * A pool of worktrees per repository, so a step's setup costs what differs between two
 * commits instead of a checkout of the whole repository.
 *
 * Layout: `<root>/.pool/<key>/<returnedAtMs>-<random>`, one directory per idle worktree, where
 * `<key>` names the repository's git common dir (refSegment never yields a leading ".", so no
 * run directory can clash with `.pool`). The disk is the only state, so several processes
 * sharing a data dir and a crash at any point are both safe:
 * - take: rename(2) an entry to the attempt's path. The rename is the claim (atomic; a loser
 *   gets ENOENT and tries the next), newest entry first (warm caches, and the oldest age out).
 * - return: rename(2) the attempt's worktree into the pool. No git call: whatever the last
 *   user left (uncommitted files, a merge in progress, a stale index.lock) is undone at the
 *   next hand-out, which also covers a worker that died before returning anything.
 * - hand-out (resetWorktreeOrThrow): `checkout -f --detach <start>` lets git rewrite only the
 *   files that differ from its index (the previous user's committed state), then `clean`
 *   removes untracked files, and ignored ones too under the `clean` policy. The result is
 *   what a fresh `git worktree add --detach` of <start> would give (worktree-pool.property
 *   test), except for ignored files under `keep-ignored`.
 * - bounds: at most `size` idle worktrees per repository (one returned beyond that is
 *   removed), entries idle longer than `idleMs` are removed (evictIdleWorktrees: on a timer
 *   after each return, by the run-cleanup sweep, and on first use in a process), and debris a
 *   crash left (a directory that is not a worktree of this repository) is removed on sight.
 * A worktree records its own path in `<admin>/gitdir`; each rename rewrites it, so git's
 * `worktree list`/`prune` keep seeing the worktree where it now is.
 */
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { GitError } from "./errors";
import { removeWorktreeOrDebris } from "./remove-worktree";
import { runGitOrThrow } from "./run-git";

import type { WorktreePolicy } from "./worktree-policy";
export type { WorktreePolicy } from "./worktree-policy";

export interface PoolLimits {
  /** Idle worktrees kept per repository. */
  size: number;
  /** An idle worktree older than this is removed. */
  idleMs: number;
}

export const DEFAULT_POOL_LIMITS: PoolLimits = { size: 8, idleMs: 15 * 60_000 };

/** BATON_WORKTREE_POOL_SIZE (0 turns pooling off) and BATON_WORKTREE_POOL_IDLE_MINUTES. */
export function poolLimits(env: Record<string, string | undefined> = process.env): PoolLimits {
  const size = Number(env.BATON_WORKTREE_POOL_SIZE);
  const idle = Number(env.BATON_WORKTREE_POOL_IDLE_MINUTES);
  return {
    size: env.BATON_WORKTREE_POOL_SIZE !== undefined && Number.isInteger(size) && size >= 0 ? size : DEFAULT_POOL_LIMITS.size,
    idleMs: env.BATON_WORKTREE_POOL_IDLE_MINUTES !== undefined && Number.isFinite(idle) && idle > 0 ? idle * 60_000 : DEFAULT_POOL_LIMITS.idleMs,
  };
}

const POOL_DIR = ".pool";
const ENTRY = /^(\d{13})-[0-9a-f]{8}$/;

export function poolsRoot(root: string): string {
  return path.join(root, POOL_DIR);
}

const commonDirs = new Map<string, string>();

/** The repository's git common dir (absolute, real), cached: it never changes for a path. */
async function commonDirOf(repo: string): Promise<string> {
  const cached = commonDirs.get(repo);
  if (cached) return cached;
  const out = (await runGitOrThrow(["rev-parse", "--git-common-dir"], { cwd: repo })).stdout.trim();
  const resolved = await fs.realpath(path.resolve(repo, out));
  commonDirs.set(repo, resolved);
  return resolved;
}

/** `<root>/.pool/<key>` for the repository at `repo`. */
export async function poolDirOf(root: string, repo: string): Promise<string> {
  return poolDirOfCommonDir(root, await commonDirOf(repo));
}

function poolDirOfCommonDir(root: string, commonDir: string): string {
  const key = crypto.createHash("sha1").update(commonDir).digest("hex").slice(0, 16);
  return path.join(poolsRoot(root), key);
}

/**
 * The admin dir (`<common>/worktrees/<name>`) of the linked worktree at `dir` when it belongs
 * to `commonDir`; null for anything else (debris, another repository's worktree, a main tree).
 */
async function adminDirIfOurs(dir: string, commonDir: string): Promise<string | null> {
  try {
    const dotGit = await fs.readFile(path.join(dir, ".git"), "utf8");
    const match = /^gitdir: (.+)$/m.exec(dotGit);
    if (!match) return null;
    const adminDir = path.resolve(dir, match[1].trim());
    const common = (await fs.readFile(path.join(adminDir, "commondir"), "utf8")).trim();
    return (await fs.realpath(path.resolve(adminDir, common))) === commonDir ? adminDir : null;
  } catch {
    return null;
  }
}

/** The admin dir a linked worktree's `.git` file points at, or null. */
async function adminDirOf(dir: string): Promise<string | null> {
  try {
    const match = /^gitdir: (.+)$/m.exec(await fs.readFile(path.join(dir, ".git"), "utf8"));
    return match ? path.resolve(dir, match[1].trim()) : null;
  } catch {
    return null;
  }
}

/** Tells git where the worktree now lives (what `git worktree repair` would write). */
async function recordLocation(adminDir: string, dir: string): Promise<void> {
  const gitdir = path.join(adminDir, "gitdir");
  const temporary = `${gitdir}.baton-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  await fs.writeFile(temporary, `${path.join(dir, ".git")}\n`);
  await fs.rename(temporary, gitdir);
}

const firstUse = new Set<string>();

/**
 * Claims an idle worktree of `repo` and moves it to `target` (which must not exist). Null
 * when the pool has none. The worktree still holds whatever its last user left: reset it
 * with resetWorktreeOrThrow before use.
 */
export async function takePooledWorktree(root: string, repo: string, target: string, limits: PoolLimits): Promise<string | null> {
  const dir = await poolDirOf(root, repo);
  if (!firstUse.has(dir)) {
    firstUse.add(dir);
    await evictIdleWorktrees(root, repo, limits);
  }
  const commonDir = await commonDirOf(repo);
  for (const entry of (await entries(dir)).reverse()) {
    const source = path.join(dir, entry);
    try {
      await fs.rename(source, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") continue; // another process took it first
      throw error;
    }
    const adminDir = await adminDirIfOurs(target, commonDir);
    if (adminDir) {
      await recordLocation(adminDir, target);
      return target;
    }
    // Not a worktree of this repository (a crash mid-creation): debris.
    await removeWorktreeOrDebris(target);
  }
  return null;
}

/**
 * Puts a finished attempt's worktree back into its repository's pool: a rename, no git call.
 * Beyond the pool's size the worktree is removed instead. False when it was not a worktree of
 * `repo` (left where it is for the run's cleanup).
 */
export async function returnWorktreeToPool(root: string, repo: string, worktree: string, limits: PoolLimits): Promise<boolean> {
  return returnToPool(root, await commonDirOf(repo), worktree, limits, () => scheduleIdleCheck(root, repo, limits));
}

/**
 * For the run cleanup, which knows directories rather than repositories: returns a linked
 * worktree to the pool of whichever repository it belongs to. False for anything that is not
 * a linked worktree (left for the caller to remove).
 */
export async function returnAnyWorktreeToPool(root: string, worktree: string, limits: PoolLimits): Promise<boolean> {
  const adminDir = await adminDirOf(worktree);
  if (!adminDir) return false;
  let commonDir: string;
  try {
    // turbopackIgnore (here and below): git's admin dirs, not files of the app; without it the build traces the whole project.
    commonDir = await fs.realpath(/*turbopackIgnore: true*/ path.resolve(adminDir, (await fs.readFile(path.join(adminDir, "commondir"), "utf8")).trim()));
  } catch {
    return false;
  }
  return returnToPool(root, commonDir, worktree, limits, () => {});
}

async function returnToPool(root: string, commonDir: string, worktree: string, limits: PoolLimits, returned: () => void): Promise<boolean> {
  const adminDir = await adminDirIfOurs(worktree, commonDir);
  if (!adminDir) return false;
  const dir = poolDirOfCommonDir(root, commonDir);
  if (limits.size === 0 || (await entries(dir)).length >= limits.size) {
    await removeWorktreeOrDebris(worktree);
    return true;
  }
  await fs.mkdir(dir, { recursive: true });
  const target = path.join(dir, `${Date.now()}-${crypto.randomBytes(4).toString("hex")}`);
  await fs.rename(worktree, target);
  await recordLocation(adminDir, target);
  returned();
  return true;
}

const idleTimers = new Map<string, NodeJS.Timeout>();

/** One pending idle check per pool, due when the newest entry would turn idle. */
function scheduleIdleCheck(root: string, repo: string, limits: PoolLimits): void {
  const key = `${root}\0${repo}`;
  clearTimeout(idleTimers.get(key));
  const timer = setTimeout(() => {
    idleTimers.delete(key);
    void evictIdleWorktrees(root, repo, limits).catch((error: unknown) => {
      console.error(`[baton] evicting idle worktrees of ${repo} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }, limits.idleMs + 1_000);
  timer.unref();
  idleTimers.set(key, timer);
}

/** Removes the repository's idle worktrees older than `limits.idleMs` and any debris. */
export async function evictIdleWorktrees(root: string, repo: string, limits: PoolLimits, now = Date.now()): Promise<string[]> {
  return evictFromPoolDir(await poolDirOf(root, repo), limits.idleMs, now);
}

/** Idle eviction across every repository's pool under `root` (the run-cleanup sweep). */
export async function evictIdleFromAllPools(root: string, idleMs: number, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const key of await fs.readdir(poolsRoot(root)).catch(() => [] as string[])) {
    removed.push(...(await evictFromPoolDir(path.join(poolsRoot(root), key), idleMs, now)));
  }
  return removed;
}

async function evictFromPoolDir(dir: string, idleMs: number, now: number): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const match = ENTRY.exec(name);
    if (match && now - Number(match[1]) < idleMs) continue;
    const target = path.join(dir, name);
    // Claim it first, as a take would, so a concurrent take never gets a half-removed tree.
    const doomed = path.join(dir, `.evict-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
    try {
      await fs.rename(target, doomed);
    } catch {
      continue;
    }
    const adminDir = await adminDirOf(doomed);
    if (adminDir) await recordLocation(adminDir, doomed).catch(() => {});
    await removeWorktreeOrDebris(doomed);
    removed.push(target);
  }
  return removed;
}

/** Pool entries, oldest first (the names start with the return time). */
async function entries(dir: string): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => ENTRY.test(n)).sort();
}

/** State a previous user's git command may have left in the worktree's admin dir. */
const OPERATION_STATE = ["MERGE_HEAD", "MERGE_MSG", "MERGE_MODE", "MERGE_AUTOSTASH", "CHERRY_PICK_HEAD", "REVERT_HEAD", "AUTO_MERGE", "BISECT_LOG", "index.lock", "HEAD.lock"];
const OPERATION_DIRS = ["rebase-merge", "rebase-apply", "sequencer"];

/**
 * Makes the worktree at `dir` what a fresh detached checkout of `commit` would be (see the
 * header), whoever used it before. Only this attempt holds the directory, so any lock or
 * half-done operation in its admin dir is stale and removed first.
 */
export async function resetWorktreeOrThrow(dir: string, commit: string, policy: WorktreePolicy): Promise<void> {
  const adminDir = await adminDirOf(dir);
  if (!adminDir) throw new GitError("worktree_invalid", `${dir} is not a linked worktree`);
  await Promise.all([
    ...OPERATION_STATE.map((name) => fs.rm(path.join(/*turbopackIgnore: true*/ adminDir, name), { force: true })),
    ...OPERATION_DIRS.map((name) => fs.rm(path.join(/*turbopackIgnore: true*/ adminDir, name), { recursive: true, force: true })),
  ]);
  await runGitOrThrow(["checkout", "-q", "-f", "--no-recurse-submodules", "--detach", commit], { cwd: dir });
  await runGitOrThrow(["clean", "-q", "-f", "-f", "-d", ...(policy === "clean" ? ["-x"] : [])], { cwd: dir });
}
