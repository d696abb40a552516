/**
 * The reaper: process groups that die with the process that started them.
 *
 * Agents and checks run in process groups of their own (spawned detached, so cancel can kill
 * a whole tree: lib/agents/command/process-group.ts). Detached also means a SIGKILLed worker
 * leaves them running, reparented to PID 1, while another worker retries the same task —
 * side effects and tokens spent twice. Nothing in the dying process can act on a SIGKILL, so
 * the cleanup lives in another process: one small reaper per Baton process, started on the
 * first group, holding the read end of a pipe from it. Baton writes "+<pgid>" when it starts
 * a group and "-<pgid>" once the group is gone; when the pipe closes — Baton exited, however
 * it exited — the reaper SIGTERMs every group still listed, SIGKILLs them a moment later,
 * and exits. The reaper is detached too, so a signal to Baton's own process group (Ctrl-C in
 * a terminal) doesn't take it down before it has done its job.
 *
 * Invariants:
 * - A group is listed from right after its spawn until terminateGroup has killed it. The
 *   microseconds between spawn() and the "+" line are the only window in which a SIGKILL of
 *   Baton can leave a group behind.
 * - The reaper never keeps Baton alive: its handle and pipe are unref'd.
 * - If the reaper dies (killed by hand), the next group starts a new one, and the groups
 *   still listed are announced to it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { childEnv } from "./child-env";

/** The reaper's program, run by `node -e`: plain JavaScript, no file to locate at run time. */
export const REAPER_SOURCE = `
const groups = new Set();
let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  pending += chunk;
  for (let nl = pending.indexOf("\\n"); nl >= 0; nl = pending.indexOf("\\n")) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    const pgid = Number(line.slice(1));
    if (!Number.isInteger(pgid) || pgid <= 1) continue;
    if (line[0] === "+") groups.add(pgid);
    else if (line[0] === "-") groups.delete(pgid);
  }
});
const signal = (name) => {
  for (const pgid of groups) {
    try { process.kill(-pgid, name); } catch {}
  }
};
let reaping = false;
const reap = () => {
  if (reaping) return;
  reaping = true;
  if (groups.size === 0) process.exit(0);
  signal("SIGTERM");
  setTimeout(() => { signal("SIGKILL"); process.exit(0); }, 1000);
};
process.stdin.on("end", reap);
process.stdin.on("close", reap);
process.stdin.on("error", reap);
`;

interface ReaperState {
  child: ChildProcess | null;
  /** Groups started and not yet killed, to announce to a replacement reaper. */
  groups: Set<number>;
  failed: boolean;
}

// On globalThis: Next's dev server evaluates modules more than once in one process, and one
// reaper per process is enough.
const shared = globalThis as unknown as { __batonReaper?: ReaperState };

function state(): ReaperState {
  return (shared.__batonReaper ??= { child: null, groups: new Set(), failed: false });
}

function startReaper(reaper: ReaperState): ChildProcess | null {
  if (reaper.failed) return null;
  const child = spawn(process.execPath, ["-e", REAPER_SOURCE], { detached: true, stdio: ["pipe", "ignore", "ignore"], env: childEnv() });
  child.unref();
  const stdin = child.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null;
  stdin?.unref?.();
  child.stdin?.on("error", () => {});
  child.once("error", (error) => {
    // Without a reaper groups still end with their step; only a crash of this process leaks them.
    if (!reaper.failed) console.error(`[baton] could not start the process reaper: ${error.message}`);
    reaper.failed = true;
    if (reaper.child === child) reaper.child = null;
  });
  child.once("exit", () => {
    if (reaper.child === child) reaper.child = null;
  });
  for (const pgid of reaper.groups) child.stdin?.write(`+${pgid}\n`);
  return child;
}

/** Lists a new process group with the reaper; call the returned function once the group is dead. */
export function reapWithThisProcess(pgid: number): () => void {
  const reaper = state();
  reaper.groups.add(pgid);
  if (!reaper.child || reaper.child.exitCode !== null || reaper.child.signalCode !== null) reaper.child = startReaper(reaper);
  else reaper.child.stdin?.write(`+${pgid}\n`);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    reaper.groups.delete(pgid);
    reaper.child?.stdin?.write(`-${pgid}\n`);
  };
}

/** The reaper's pid, when one runs (tests look it up). */
export function reaperPid(): number | undefined {
  return shared.__batonReaper?.child?.pid;
}
