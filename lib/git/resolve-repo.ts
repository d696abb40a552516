/**
 * Validates a run's `{repo, baseRef}` before anything is created. Checks run in an order
 * that never runs git outside the allowed roots: git reads a repository's config, and some
 * config (core.fsmonitor, for one) runs commands, so a path is confined before git sees it.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { GitError } from "./errors";
import { runGitOrThrow } from "./run-git";

export interface ResolvedRepo {
  /** Real path (symlinks resolved) of the repository's top-level work tree. */
  repo: string;
  /** Full object id of the commit `baseRef` names. */
  baseCommit: string;
}

export interface ResolveRepoOptions {
  /**
   * Absolute directories a repo must be inside. Default: BATON_REPO_ROOTS (colon-separated);
   * unset or empty → any directory. Roots that don't exist contain nothing.
   */
  roots?: string[];
}

export async function resolveRepoOrThrow(
  repoPath: string,
  baseRef = "HEAD",
  options: ResolveRepoOptions = {},
): Promise<ResolvedRepo> {
  const roots = options.roots ?? parseRepoRootsOrThrow(process.env.BATON_REPO_ROOTS);
  if (typeof repoPath !== "string" || repoPath.trim() === "") {
    throw new GitError("repo_not_absolute", "repo: required (an absolute path to a git repository)", "repo");
  }
  if (!path.isAbsolute(repoPath)) {
    throw new GitError("repo_not_absolute", `repo: must be an absolute path, got "${repoPath}"`, "repo");
  }
  const real = await realPathOrThrow(repoPath);
  // turbopackIgnore: a user's repository, not a file of the app; without it the build traces the whole project.
  const stat = await fs.stat(/*turbopackIgnore: true*/ real);
  if (!stat.isDirectory()) {
    throw new GitError("repo_not_directory", `repo: ${repoPath} is not a directory`, "repo");
  }
  if (roots.length > 0 && !(await isInsideAnyRoot(real, roots))) {
    throw new GitError(
      "repo_outside_roots",
      `repo: ${repoPath}${real !== repoPath ? ` (really ${real})` : ""} is outside the allowed repository roots (BATON_REPO_ROOTS: ${roots.join(":")})`,
      "repo",
    );
  }
  await assertTopLevelWorkTreeOrThrow(repoPath, real);
  const baseCommit = await resolveCommitOrThrow(real, baseRef);
  return { repo: real, baseCommit };
}

/** Parses BATON_REPO_ROOTS; each entry must be absolute (a relative root would depend on the cwd). */
export function parseRepoRootsOrThrow(value: string | undefined): string[] {
  if (!value) return [];
  const roots = value.split(":").filter((entry) => entry.trim() !== "");
  for (const root of roots) {
    if (!path.isAbsolute(root)) {
      throw new GitError("roots_invalid", `BATON_REPO_ROOTS: entry "${root}" is not an absolute path`);
    }
  }
  return roots;
}

async function realPathOrThrow(repoPath: string): Promise<string> {
  try {
    return await fs.realpath(repoPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new GitError("repo_not_found", `repo: ${repoPath} does not exist`, "repo");
    }
    throw new GitError("repo_not_found", `repo: ${repoPath} cannot be read (${code ?? "error"})`, "repo");
  }
}

/** Compares real paths, so neither `..` nor a symlink inside a root can reach outside it. */
async function isInsideAnyRoot(realRepo: string, roots: string[]): Promise<boolean> {
  for (const root of roots) {
    let realRoot: string;
    try {
      realRoot = await fs.realpath(root);
    } catch {
      continue;
    }
    const relative = path.relative(realRoot, realRepo);
    if (relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative))) return true;
  }
  return false;
}

/**
 * A bare repository has no files for an agent to work on, and a subdirectory would hand the
 * agent the whole repository anyway, so only the top level of a non-bare work tree is
 * accepted. GIT_CEILING_DIRECTORIES stops git's upward search at the path itself, so a plain
 * directory inside some other repository (a dotfiles repo in $HOME, say) is "not a git
 * repository" rather than silently that outer repository, which may lie outside the roots.
 */
async function assertTopLevelWorkTreeOrThrow(repoPath: string, real: string): Promise<void> {
  const probe = await runGitOrThrow(["rev-parse", "--is-bare-repository", "--is-inside-work-tree"], {
    cwd: real,
    env: { GIT_CEILING_DIRECTORIES: path.dirname(real) },
    allowExitCodes: [128],
  });
  if (probe.exitCode !== 0) {
    const reason = probe.stderr.includes("dubious ownership")
      ? " (git refuses it: owned by another user; see `git config safe.directory`)"
      : " (the top level of a git work tree is required)";
    throw new GitError("repo_not_git", `repo: ${repoPath} is not a git repository${reason}`, "repo");
  }
  const [bare, insideWorkTree] = probe.stdout.split("\n");
  if (bare === "true") {
    throw new GitError("repo_bare", `repo: ${repoPath} is a bare repository; pass a repository with a work tree`, "repo");
  }
  if (insideWorkTree !== "true") {
    throw new GitError("repo_not_toplevel", `repo: ${repoPath} is a .git directory; pass the work tree that contains it`, "repo");
  }
}

/** Refs are passed as argv, but a leading `-` would still read as an option. */
export function validateRefOrThrow(ref: unknown): string {
  if (typeof ref !== "string" || ref.trim() === "") {
    throw new GitError("ref_invalid", "baseRef: must be a non-empty string", "baseRef");
  }
  if (ref.length > 256 || ref.startsWith("-") || /[\s\x00-\x1f\x7f]/.test(ref)) {
    throw new GitError("ref_invalid", `baseRef: "${ref.slice(0, 80)}" is not a valid ref (no leading "-", whitespace or control characters; max 256)`, "baseRef");
  }
  return ref;
}

async function resolveCommitOrThrow(repo: string, ref: string): Promise<string> {
  validateRefOrThrow(ref);
  const result = await runGitOrThrow(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
    cwd: repo,
    allowExitCodes: [1, 128],
  });
  const commit = result.stdout.trim();
  if (result.exitCode !== 0 || commit === "") {
    const empty = ref === "HEAD" && !(await hasAnyCommit(repo));
    throw new GitError(
      "ref_not_found",
      empty ? `baseRef: the repository ${repo} has no commits yet` : `baseRef: "${ref}" does not name a commit in ${repo}`,
      "baseRef",
    );
  }
  return commit;
}

async function hasAnyCommit(repo: string): Promise<boolean> {
  const result = await runGitOrThrow(["rev-list", "-n", "1", "--all"], { cwd: repo });
  return result.stdout.trim() !== "";
}
