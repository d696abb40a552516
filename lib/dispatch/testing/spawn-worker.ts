/**
 * Spawns a worker as a real OS process (node + the tsx loader, no wrapper process, so a
 * SIGKILL hits the worker itself) and resolves once it prints "worker-ready <id>".
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface WorkerProcess {
  child: ChildProcess;
  id: string;
  /** Sends `signal` and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  output(): string;
}

export function spawnWorker(
  entry: string,
  env: Record<string, string>,
  options: { loader?: boolean } = {},
): Promise<WorkerProcess> {
  // `loader: false` runs plain JavaScript (a bundled entry) without the tsx loader.
  const loaderArgs = options.loader === false ? [] : ["--import", "tsx"];
  const child = spawn(process.execPath, [...loaderArgs, path.resolve(entry)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /worker-ready (\S+)/.exec(log);
      if (match) {
        child.stdout!.off("data", onData);
        child.stdout!.on("data", (more: Buffer) => (log += more.toString()));
        resolve({
          child,
          id: match[1],
          output: () => log,
          async stop(signal = "SIGTERM") {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before ready:\n${log}`)));
  });
}
