/**
 * Runs an argv command (never a shell string) for check steps and check-mode selects, with
 * the allow-listed environment of every child process (lib/process/child-env.ts):
 * captures stdout/stderr in full up to a large limit, streams them as log lines, and kills
 * the command's whole process group when the step is aborted (cancel, timeout) or ends.
 */
import { truncationMarker } from "../flow/template";
import { spawnGroup, terminateGroup } from "../agents/command/process-group";
import { pathExists } from "../path-exists";
import { childEnv } from "../process/child-env";
import type { StepEventInput } from "./contract";

export const COMMAND_OUTPUT_LIMIT = 1_000_000;

export interface CommandResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not start (e.g. ENOENT). */
  spawnError?: string;
  aborted: boolean;
}

class Capture {
  text = "";
  omitted = 0;
  add(chunk: string) {
    const room = COMMAND_OUTPUT_LIMIT - this.text.length;
    if (chunk.length <= room) this.text += chunk;
    else {
      this.text += chunk.slice(0, Math.max(0, room));
      this.omitted += chunk.length - Math.max(0, room);
    }
  }
  value() {
    return this.omitted > 0 ? this.text + truncationMarker(this.omitted) : this.text;
  }
}

export async function runCommand(
  argv: readonly string[],
  options: { cwd: string; signal: AbortSignal; emit(event: StepEventInput): void },
): Promise<CommandResult> {
  if (options.signal.aborted) return { exitCode: null, signal: null, stdout: "", stderr: "", aborted: true };
  const stdout = new Capture();
  const stderr = new Capture();
  // Never Baton's own environment: a check is flow-author code (see child-env.ts). Its own
  // process group, so a cancel or timeout ends what it started too (`npm test` → its runner).
  const proc = spawnGroup([...argv], { cwd: options.cwd, env: childEnv() });
  proc.child.stdin?.on("error", () => {});
  proc.child.stdin?.end();
  proc.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout.add(chunk);
    options.emit({ type: "log-line", data: { stream: "stdout", text: chunk } });
  });
  proc.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr.add(chunk);
    options.emit({ type: "log-line", data: { stream: "stderr", text: chunk } });
  });
  const onAbort = () => void terminateGroup(proc, 0);
  options.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const exit = await proc.exited;
    const error = proc.spawnError() as NodeJS.ErrnoException | undefined;
    const spawnError = error ? await describeSpawnError(error, argv[0], options.cwd) : undefined;
    return {
      exitCode: exit.code,
      signal: exit.signal,
      stdout: stdout.value(),
      stderr: stderr.value(),
      aborted: options.signal.aborted,
      ...(spawnError ? { spawnError } : {}),
    };
  } finally {
    options.signal.removeEventListener("abort", onAbort);
    // Whatever the command left running in its group doesn't outlive the step.
    await terminateGroup(proc, 0);
  }
}

/** spawn says ENOENT for a missing working directory too: name whichever is missing. */
async function describeSpawnError(error: NodeJS.ErrnoException, program: string, cwd: string): Promise<string> {
  if (error.code !== "ENOENT") return error.message;
  return (await pathExists(cwd)) ? `command not found: ${program}` : `the working directory ${cwd} no longer exists`;
}

/** The last `n` characters, for error messages. */
export function tail(text: string, n = 2000): string {
  return text.length <= n ? text : `…${text.slice(-n)}`;
}
