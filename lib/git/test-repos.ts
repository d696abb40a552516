/**
 * Real repositories in temporary directories, for lib/git's tests and bench/git.ts.
 * Everything goes through runGitOrThrow, so fixtures get the same environment as the code
 * under test (no dependence on the host's git identity or config).
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runGitOrThrow } from "./run-git";

/** A fresh directory under os.tmpdir(), real path (macOS /tmp is a symlink). */
export async function makeTempDir(prefix: string): Promise<string> {
  return fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), `${prefix}-`)));
}

/** Runs git in `cwd`; returns trimmed stdout. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await runGitOrThrow(args, { cwd })).stdout.trim();
}

/** Writes files (creating directories); `null` content deletes the file. */
export async function writeFiles(dir: string, files: Record<string, string | null>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(dir, name);
    if (content === null) {
      await fs.rm(target, { force: true });
      continue;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content);
  }
}

/** Writes files, stages everything and commits; returns the new commit id. */
export async function commitFiles(dir: string, files: Record<string, string | null>, message: string): Promise<string> {
  await writeFiles(dir, files);
  await git(dir, "add", "-A");
  await git(dir, "commit", "-q", "--no-verify", "-m", message);
  return git(dir, "rev-parse", "HEAD");
}

/** `git init` on `main` in `dir` with one commit of `files`. */
export async function createRepo(dir: string, files: Record<string, string>): Promise<{ repo: string; commit: string }> {
  await fs.mkdir(dir, { recursive: true });
  await git(dir, "init", "-q", "-b", "main");
  const commit = await commitFiles(dir, files, "initial");
  return { repo: await fs.realpath(dir), commit };
}

/** Reads a file in a worktree, or null when it doesn't exist. */
export async function readFileOrNull(dir: string, name: string): Promise<string | null> {
  try {
    return await fs.readFile(path.join(dir, name), "utf8");
  } catch {
    return null;
  }
}
