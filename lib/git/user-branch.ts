/**
 * Moving a branch of the user's repository to a new commit without ever touching a dirty
 * checkout of theirs.
 *
 * A branch may be checked out in the main working tree or in any linked worktree (`git
 * worktree list`). Invariants:
 * - not checked out anywhere: the ref moves with a compare-and-swap (`update-ref new old`),
 *   so a commit the user made meanwhile is never overwritten;
 * - checked out in a clean tree (no staged or unstaged change to a tracked file): that tree
 *   fast-forwards (`merge --ff-only`), so ref, index and files move together; git itself
 *   refuses if an untracked file would be overwritten, and then nothing changed;
 * - checked out in a dirty tree: refused with the changed paths; nothing is written.
 * Callers only ever move a branch forward (the new commit descends from the old tip).
 */
import path from "node:path";
import { GitError } from "./errors";
import { runGitOrThrow } from "./run-git";

export interface Checkout {
  /** The working tree's directory. */
  path: string;
  /** Tracked files with staged or unstaged changes (repo-relative), empty when clean. */
  dirtyPaths: string[];
}

export class DirtyCheckoutError extends GitError {
  constructor(
    readonly branch: string,
    readonly checkout: Checkout,
  ) {
    super(
      "worktree_invalid",
      `${branch} is checked out at ${checkout.path} with uncommitted changes in: ${checkout.dirtyPaths.join(", ")}; commit or stash them first (nothing was changed)`,
    );
    this.name = "DirtyCheckoutError";
  }
}

/** The short name of a branch (`main`) from a full ref name or a short one. */
export const shortBranch = (ref: string) => ref.replace(/^refs\/heads\//, "");

/** A valid new branch name (`git check-ref-format --branch`), or null. */
export async function checkBranchName(repo: string, name: string): Promise<string | null> {
  if (name.startsWith("-") || /[\x00-\x20\x7f]/.test(name)) return null;
  const result = await runGitOrThrow(["check-ref-format", "--branch", name], { cwd: repo, allowExitCodes: [1, 128] });
  return result.exitCode === 0 && result.stdout.trim() === name ? name : null;
}

/** The commit a branch points at, or null when there is no such branch. */
export async function branchTip(repo: string, branch: string): Promise<string | null> {
  const result = await runGitOrThrow(["rev-parse", "--verify", "--quiet", `refs/heads/${shortBranch(branch)}^{commit}`], {
    cwd: repo,
    allowExitCodes: [1, 128],
  });
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/** The branch `HEAD` of the main working tree is on, or null when detached. */
export async function currentBranch(repo: string): Promise<string | null> {
  const result = await runGitOrThrow(["symbolic-ref", "-q", "HEAD"], { cwd: repo, allowExitCodes: [1, 128] });
  return result.exitCode === 0 ? shortBranch(result.stdout.trim()) : null;
}

/** Where `branch` is checked out (main working tree or a linked worktree), with its state. */
export async function checkoutOf(repo: string, branch: string): Promise<Checkout | null> {
  const list = await runGitOrThrow(["worktree", "list", "--porcelain", "-z"], { cwd: repo });
  const full = `refs/heads/${shortBranch(branch)}`;
  let current: string | null = null;
  for (const field of list.stdout.split("\0")) {
    if (field.startsWith("worktree ")) current = field.slice("worktree ".length);
    else if (field === `branch ${full}` && current) {
      // turbopackIgnore: a user's checkout, not a file of the app; without it the build traces the whole project.
      return { path: path.resolve(/*turbopackIgnore: true*/ current), dirtyPaths: await dirtyPaths(current) };
    }
  }
  return null;
}

async function dirtyPaths(worktree: string): Promise<string[]> {
  const status = await runGitOrThrow(["status", "--porcelain=v1", "-z", "--untracked-files=no"], { cwd: worktree });
  const paths: string[] = [];
  const fields = status.stdout.split("\0");
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i];
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    // A rename or copy is followed by its source path.
    if (entry[0] === "R" || entry[0] === "C") i++;
  }
  return [...new Set(paths)].sort();
}

/**
 * Moves `branch` from `expectedTip` forward to `commit` by the rules in the header.
 * Throws DirtyCheckoutError (nothing changed), or GitError when the branch moved meanwhile
 * or git refused the fast-forward.
 */
export async function advanceBranchOrThrow(repo: string, branch: string, expectedTip: string, commit: string): Promise<{ checkout: string | null }> {
  const checkout = await checkoutOf(repo, branch);
  if (!checkout) {
    await runGitOrThrow(["update-ref", "-m", `baton: advance ${shortBranch(branch)}`, `refs/heads/${shortBranch(branch)}`, commit, expectedTip], {
      cwd: repo,
    }).catch((error: unknown) => {
      throw new GitError("git_failed", `${shortBranch(branch)} moved while merging (expected ${expectedTip.slice(0, 12)}); try again: ${String(error instanceof Error ? error.message : error)}`);
    });
    return { checkout: null };
  }
  if (checkout.dirtyPaths.length > 0) throw new DirtyCheckoutError(shortBranch(branch), checkout);
  const head = (await runGitOrThrow(["rev-parse", "HEAD"], { cwd: checkout.path })).stdout.trim();
  if (head !== expectedTip) throw new GitError("git_failed", `${shortBranch(branch)} moved while merging (expected ${expectedTip.slice(0, 12)}, found ${head.slice(0, 12)}); try again`);
  const merged = await runGitOrThrow(["merge", "--ff-only", "-q", commit], { cwd: checkout.path, allowExitCodes: [1, 128] });
  if (merged.exitCode !== 0) {
    throw new GitError("git_failed", `fast-forwarding the checkout at ${checkout.path} was refused (nothing changed): ${(merged.stderr || merged.stdout).trim().split("\n").slice(0, 6).join(" / ")}`);
  }
  return { checkout: checkout.path };
}
