/**
 * Removing step worktrees. Branches always stay: every step's result commit remains
 * reachable for checkout, comparison and merging after the run's files are gone.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { GitError } from "./errors";
import { runWorktreesDir } from "./ref-names";
import { runGitOrThrow } from "./run-git";

/**
 * Removes a linked worktree (uncommitted changes included) and its registration in the
 * repository; keeps its branch. A missing path is already removed. Refuses anything that
 * is not a linked worktree (a repository's main work tree, a plain directory), so a wrong
 * path can never delete a user's files.
 */
export async function removeWorktree(worktreePath: string): Promise<void> {
  const commonDir = await linkedWorktreeCommonDir(worktreePath);
  if (commonDir === "missing") return;
  if (commonDir === "main") {
    throw new GitError("worktree_invalid", `${worktreePath} is a repository's main work tree, not a Baton worktree`);
  }
  if (commonDir === null) throw new GitError("worktree_invalid", `${worktreePath} is not a git worktree`);
  // Twice --force: also removes a worktree that is locked or has untracked files.
  const removed = await runGitOrThrow(["worktree", "remove", "--force", "--force", worktreePath], {
    cwd: commonDir,
    allowExitCodes: [128],
  });
  if (removed.exitCode === 0) return;
  // Git refused (a submodule inside, a half-written admin dir): the directory is a linked
  // worktree, so deleting it loses nothing but its uncommitted files; then git forgets it.
  await fs.rm(worktreePath, { recursive: true, force: true });
  await runGitOrThrow(["worktree", "prune"], { cwd: commonDir, allowExitCodes: [128] });
}

/**
 * For paths Baton itself laid out under its worktree root: removes the worktree there, or
 * whatever debris a crash between `mkdir` and `git worktree add` left. Still refuses a
 * repository's main work tree.
 */
export async function removeWorktreeOrDebris(target: string): Promise<void> {
  if ((await linkedWorktreeCommonDir(target)) === null) await fs.rm(target, { recursive: true, force: true });
  else await removeWorktree(target);
}

/** The entries of a run's worktree directory under `root` (empty when there is none). */
export async function listRunWorktrees(root: string, runId: string): Promise<string[]> {
  try {
    return (await fs.readdir(runWorktreesDir(root, runId))).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/**
 * Removes worktrees of a run under `root` — `only` these entries when given (listed before
 * the caller decided the run was over: a step re-run meanwhile works in a new directory,
 * which is never in the list and stays), else every one — then the run's directory if that
 * left it empty. A main work tree found there (never made by Baton) is left alone and
 * reported in `kept`.
 */
export async function cleanupRunWorktrees(root: string, runId: string, only?: readonly string[]): Promise<{ removed: string[]; kept: string[] }> {
  const runDir = runWorktreesDir(root, runId);
  const entries = only ? [...only].sort() : await listRunWorktrees(root, runId);
  const removed: string[] = [];
  const kept: string[] = [];
  for (const entry of entries) {
    const target = path.join(runDir, entry);
    const commonDir = await linkedWorktreeCommonDir(target);
    if (commonDir === "missing") continue;
    if (commonDir === "main") {
      kept.push(target);
      continue;
    }
    await removeWorktreeOrDebris(target);
    removed.push(target);
  }
  // Only an empty directory goes: whatever appeared in it meanwhile belongs to a live step.
  await fs.rmdir(runDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT" && error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
  });
  return { removed, kept };
}

/** Deletes a local branch if it exists (used for branches of attempts that never started). */
export async function deleteBranch(repo: string, branch: string): Promise<void> {
  await runGitOrThrow(["branch", "-q", "-D", branch], { cwd: repo, allowExitCodes: [1] });
}

/**
 * The git common dir of a linked worktree (where `git worktree` must run), "main" for a main
 * work tree, "missing" when nothing is there, null for a directory git doesn't know as a
 * worktree. A linked worktree has a `.git` *file* pointing at `<common>/worktrees/<name>`.
 */
async function linkedWorktreeCommonDir(worktreePath: string): Promise<string | "main" | "missing" | null> {
  let dotGit: string;
  try {
    await fs.lstat(worktreePath);
  } catch {
    return "missing";
  }
  try {
    const stat = await fs.lstat(path.join(worktreePath, ".git"));
    if (stat.isDirectory()) return "main";
    dotGit = await fs.readFile(path.join(worktreePath, ".git"), "utf8");
  } catch {
    return null;
  }
  const match = /^gitdir: (.+)$/m.exec(dotGit);
  if (!match) return null;
  const adminDir = path.resolve(worktreePath, match[1].trim());
  try {
    const commonDir = (await fs.readFile(path.join(adminDir, "commondir"), "utf8")).trim();
    const resolved = path.resolve(adminDir, commonDir);
    await fs.access(resolved);
    return resolved;
  } catch {
    return null;
  }
}
