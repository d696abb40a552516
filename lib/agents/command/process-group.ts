/**
 * Agent processes run in their own process group (spawned detached), so cancel, timeout
 * and cleanup can kill the whole tree — an agent's shells and language servers included —
 * with one signal to the negative pid. Shared by the `command` and `acp` backends and by
 * check commands (engine/run-command.ts).
 *
 * Every group is listed with this process's reaper (lib/process/reaper.ts) until
 * terminateGroup has killed it, so a group dies with the worker that started it even when
 * the worker is SIGKILLed: every caller MUST end a group with terminateGroup.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import { reapWithThisProcess } from "../../process/reaper";
import { AgentError } from "../types";

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface GroupProcess {
  child: ChildProcess;
  /** Resolves once the leader has exited and its stdio has closed (or a spawn error). */
  exited: Promise<ExitInfo>;
  /** Set once `exited` settles. */
  exitInfo(): ExitInfo | undefined;
  spawnError(): Error | undefined;
  /** Takes the group off the reaper's list (terminateGroup calls it once the group is killed). */
  unlist(): void;
}

export function spawnGroup(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): GroupProcess {
  if (argv.length === 0) throw new Error("empty command");
  const child = spawn(argv[0], argv.slice(1), {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  // Detached: the child leads a new group whose id is its pid.
  const unlist = child.pid === undefined ? () => {} : reapWithThisProcess(child.pid);
  let info: ExitInfo | undefined;
  let error: Error | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("error", (e) => {
      error = e;
      info = { code: null, signal: null };
      resolve(info);
    });
    // 'close' (not 'exit'): all stdout has been read by then, so no output is lost. A
    // grandchild that escaped the group could hold the pipes open forever, so 'exit' is
    // trusted on its own after a second.
    const settle = (code: number | null, signal: NodeJS.Signals | null) => {
      if (info) return;
      info = { code, signal };
      resolve(info);
    };
    child.once("close", settle);
    child.once("exit", (code, signal) => setTimeout(() => settle(code, signal), 1000).unref());
  });
  return { child, exited, exitInfo: () => info, spawnError: () => error, unlist };
}

export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone. EPERM can't happen for our own children.
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * SIGTERM the group, wait up to `graceMs` for the leader, then SIGKILL the group regardless:
 * grandchildren that outlive their parent must not survive the step.
 */
export async function terminateGroup(proc: GroupProcess, graceMs: number): Promise<ExitInfo> {
  if (!proc.exitInfo()) {
    signalGroup(proc.child, "SIGTERM");
    await Promise.race([proc.exited, delay(graceMs)]);
  }
  signalGroup(proc.child, "SIGKILL");
  const exit = await proc.exited;
  proc.unlist();
  return exit;
}

/** Keeps the last `limit` characters of a stream, for error messages. */
export class TailBuffer {
  private text = "";
  constructor(private readonly limit = 4000) {}
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}

/** Splits a byte stream into lines; `flush` emits a trailing partial line. */
export class LineSplitter {
  private pending = "";
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: string): void {
    const parts = (this.pending + chunk).split(/\r?\n/);
    this.pending = parts.pop() ?? "";
    for (const line of parts) this.onLine(line);
  }
  flush(): void {
    if (this.pending) this.onLine(this.pending);
    this.pending = "";
  }
}

export function describeExit(info: ExitInfo): string {
  if (info.signal) return `killed by ${info.signal}`;
  return `exited with code ${info.code}`;
}

/** A task's cwd must exist: spawn would otherwise report it as the program missing (ENOENT). */
export async function requireDirectoryOrThrow(dir: string): Promise<void> {
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat?.isDirectory()) throw new AgentError("invalid", `working directory ${dir} does not exist`);
}
