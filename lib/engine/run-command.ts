/**
 * Runs an argv command (never a shell string) for check steps and check-mode selects, with
 * the allow-listed environment of every child process (lib/process/child-env.ts):
 * captures stdout/stderr in full up to a large limit, streams them as log lines, and kills
 * the process when the step is aborted (cancel, timeout).
 */
import { spawn } from "node:child_process";
import { truncationMarker } from "../flow/template";
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

export function runCommand(
  argv: readonly string[],
  options: { cwd: string; signal: AbortSignal; emit(event: StepEventInput): void },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const stdout = new Capture();
    const stderr = new Capture();
    if (options.signal.aborted) {
      resolve({ exitCode: null, signal: null, stdout: "", stderr: "", aborted: true });
      return;
    }
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      // Never Baton's own environment: a check is flow-author code (see child-env.ts).
      env: childEnv(),
      stdio: ["ignore", "pipe", "pipe"],
      signal: options.signal,
      killSignal: "SIGKILL",
    });
    let spawnError: string | undefined;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout.add(chunk);
      options.emit({ type: "log-line", data: { stream: "stdout", text: chunk } });
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr.add(chunk);
      options.emit({ type: "log-line", data: { stream: "stderr", text: chunk } });
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.name === "AbortError") return;
      spawnError = error.code === "ENOENT" ? `command not found: ${argv[0]}` : error.message;
      // A process that never started may not emit "close"; resolving twice is a no-op.
      resolve({ exitCode: null, signal: null, stdout: stdout.value(), stderr: stderr.value(), aborted: false, spawnError });
    });
    child.on("close", (exitCode, signal) => {
      resolve({
        exitCode,
        signal,
        stdout: stdout.value(),
        stderr: stderr.value(),
        aborted: options.signal.aborted,
        ...(spawnError ? { spawnError } : {}),
      });
    });
  });
}

/** The last `n` characters, for error messages. */
export function tail(text: string, n = 2000): string {
  return text.length <= n ? text : `…${text.slice(-n)}`;
}
