/**
 * The one place lib/git starts git: `spawn('git', argv)`, never a shell string.
 *
 * Every call gets the same environment, whatever the host has configured:
 * - inherited GIT_* variables are dropped (a GIT_DIR or GIT_INDEX_FILE leaking in from a hook
 *   that launched Baton would point every command at the wrong repository or index);
 * - a fixed Baton author and committer, so commits and merges work on machines with no git
 *   identity configured (CI, fresh containers) and Baton's commits are recognisable;
 * - no prompts, and the C locale so messages are stable.
 *
 * And the same `-c` overrides of repository/user config that would change what Baton does:
 * hooks off (Baton's checkouts, merges and commits are bookkeeping, not the user's commits:
 * a failing pre-commit hook must not lose an agent's work), no GPG signing (no agent or pinentry
 * to answer), no rerere (a remembered resolution would turn a reportable conflict into a silent
 * merge), and no auto-gc (Baton writes objects on every diff; a step must not pay for a gc).
 */
import fs from "node:fs/promises";
import { spawn } from "node:child_process";
import { GitError } from "./errors";

export const BATON_GIT_IDENTITY = { name: "Baton", email: "baton@localhost" } as const;

const CONFIG_OVERRIDES = [
  "core.hooksPath=/dev/null",
  "commit.gpgSign=false",
  "tag.gpgSign=false",
  "rerere.enabled=false",
  "gc.auto=0",
  "maintenance.auto=false",
  "core.quotePath=false",
  "advice.detachedHead=false",
];

export interface RunGitOptions {
  cwd: string;
  /** Extra environment (e.g. GIT_INDEX_FILE); applied after the fixed environment. */
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (e.g. 1 for `diff --quiet`). */
  allowExitCodes?: number[];
  /**
   * Keep at most this many bytes of stdout. The rest is still read (so git never blocks on a
   * full pipe) and counted in `stdoutBytes`; `stdoutTruncated` tells the caller to say so.
   */
  maxStdoutBytes?: number;
  /** Written to git's stdin (then closed); without it stdin is /dev/null. */
  stdin?: string;
  /**
   * Kill git (SIGKILL) after this long and throw GitError("git_timeout"). For commands that
   * talk to another machine (push, fetch, ls-remote), which can hang on a network; local
   * commands have no timeout. A transport helper git started (ssh, git-receive-pack) sees its
   * pipes close and exits.
   */
  timeoutMs?: number;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  stdoutBytes: number;
  stdoutTruncated: boolean;
}

const STDERR_KEEP_BYTES = 64 * 1024;
/** Without a cap a runaway command could exhaust memory; 64 MiB is far above any metadata output. */
const DEFAULT_MAX_STDOUT_BYTES = 64 * 1024 * 1024;

export function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("GIT_")) delete env[key];
  }
  return {
    ...env,
    GIT_AUTHOR_NAME: BATON_GIT_IDENTITY.name,
    GIT_AUTHOR_EMAIL: BATON_GIT_IDENTITY.email,
    GIT_COMMITTER_NAME: BATON_GIT_IDENTITY.name,
    GIT_COMMITTER_EMAIL: BATON_GIT_IDENTITY.email,
    GIT_TERMINAL_PROMPT: "0",
    LC_ALL: "C",
    ...extra,
  };
}

/** Runs git; throws GitError("git_failed") on an exit code not allowed, naming the command. */
export function runGitOrThrow(args: string[], options: RunGitOptions): Promise<GitResult> {
  const argv = CONFIG_OVERRIDES.flatMap((c) => ["-c", c]).concat(args);
  const maxStdout = options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT_BYTES;
  const allowed = new Set([0, ...(options.allowExitCodes ?? [])]);
  return new Promise((resolve, reject) => {
    const child = spawn("git", argv, {
      cwd: options.cwd,
      env: gitEnvironment(options.env),
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (options.stdin !== undefined && child.stdin) {
      // git may exit before reading everything (a bad command line): EPIPE is then expected,
      // and the exit code says what went wrong.
      child.stdin.on("error", () => {});
      child.stdin.end(options.stdin);
    }
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? null
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, options.timeoutMs);
    const out: Buffer[] = [];
    let outKept = 0;
    let outTotal = 0;
    const err: Buffer[] = [];
    let errKept = 0;
    child.stdout!.on("data", (chunk: Buffer) => {
      outTotal += chunk.length;
      if (outKept < maxStdout) {
        const part = chunk.subarray(0, maxStdout - outKept);
        out.push(part);
        outKept += part.length;
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      if (errKept < STDERR_KEEP_BYTES) {
        err.push(chunk);
        errKept += chunk.length;
      }
    });
    // A spawn failure emits "error" and then "close" (with a negative errno as the code); the
    // "error" handler alone decides the outcome, since naming a missing directory needs an
    // asynchronous check that "close" would otherwise overtake.
    let spawnFailed = false;
    child.on("error", (error: NodeJS.ErrnoException) => {
      spawnFailed = true;
      if (timer) clearTimeout(timer);
      if (error.code !== "ENOENT") return reject(new GitError("git_failed", `git ${args[0]} could not start: ${error.message}`));
      // spawn says ENOENT for a missing working directory too: name the one that is missing.
      void directoryMissing(options.cwd).then((missing) =>
        reject(
          missing
            ? new GitError("worktree_invalid", `git ${args[0]}: the directory ${options.cwd} no longer exists`)
            : new GitError("git_unavailable", "git is not installed or not on PATH"),
        ),
      );
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (spawnFailed) return;
      const stderr = Buffer.concat(err).toString("utf8");
      if (timedOut) {
        reject(new GitError("git_timeout", `${describe(args)} timed out after ${formatMs(options.timeoutMs!)}${stderr.trim() ? `: ${firstLines(stderr)}` : ""}`));
        return;
      }
      const exitCode = code ?? -1;
      if (!allowed.has(exitCode)) {
        const reason = signal ? `killed by ${signal}` : `exit ${exitCode}`;
        reject(new GitError("git_failed", `${describe(args)} failed (${reason}): ${firstLines(stderr)}`));
        return;
      }
      resolve({
        stdout: Buffer.concat(out).toString("utf8"),
        stderr,
        exitCode,
        stdoutBytes: outTotal,
        stdoutTruncated: outTotal > outKept,
      });
    });
  });
}

/** The command for an error message; long arguments (commit messages) are shortened. */
function describe(args: string[]): string {
  const shown = args.map((a) => (a.length > 80 ? `${a.slice(0, 77)}...` : a)).join(" ");
  return `git ${shown.length > 300 ? `${shown.slice(0, 297)}...` : shown}`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

function firstLines(text: string): string {
  const lines = text.trim().split("\n").slice(0, 5).join(" / ");
  return lines.length > 0 ? lines : "(no output)";
}

async function directoryMissing(dir: string | undefined): Promise<boolean> {
  if (!dir) return false;
  return fs.stat(dir).then(
    (stat) => !stat.isDirectory(),
    () => true,
  );
}
