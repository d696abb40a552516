/**
 * Build-if-stale for `npm start`: the production build in `distDir` is current when it is
 * complete (Next's BUILD_ID exists) and the fingerprint stored beside it after the last
 * successful build equals the sources' fingerprint now (fingerprint.ts).
 *
 * Invariant: the stored fingerprint is written only after `next build` exited 0, and it is the
 * fingerprint computed BEFORE the build started. A failed or interrupted build leaves none (Next
 * empties the dist dir when it starts), and sources edited during a build make the next start
 * rebuild rather than serve a build of the older sources.
 */
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";

export const FINGERPRINT_FILE = "baton-build-fingerprint";

export async function buildIsCurrent(distDir: string, fingerprint: string): Promise<boolean> {
  try {
    const [stored] = await Promise.all([
      fs.readFile(path.join(distDir, FINGERPRINT_FILE), "utf8"),
      fs.access(path.join(distDir, "BUILD_ID")),
    ]);
    return stored.trim() === fingerprint;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

export interface BuildResult {
  ok: boolean;
  /** Everything `next build` printed (stdout and stderr interleaved), for a failure report. */
  output: string;
  ms: number;
}

/**
 * Runs `next build` as a child (argv array) with its output captured, not shown: a good build
 * has nothing a user needs to read, a failed one is reported whole by the caller.
 * `register` receives the child so the caller can forward signals to it.
 */
export function runNextBuild(options: {
  nextBin: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  register?: (child: ReturnType<typeof spawn>) => void;
}): Promise<BuildResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.nextBin, "build"], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    options.register?.(child);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ ok: code === 0, output, ms: performance.now() - started }));
  });
}

export async function recordBuild(distDir: string, fingerprint: string): Promise<void> {
  await fs.writeFile(path.join(distDir, FINGERPRINT_FILE), `${fingerprint}\n`);
}
