/**
 * A production Baton server for black-box security tests: `next build` into its own dist
 * dir, then scripts/serve.ts → `next start` on its own port with a fresh PGlite data dir.
 * Tests start it once in beforeAll and share it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface TestServer {
  baseUrl: string;
  dataDir: string;
  /** The server's combined output so far (for failure messages and leak checks). */
  output(): string;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  projectRoot: string;
  port: number;
  distDir: string;
  env: Record<string, string>;
}

const nextBin = (root: string) => path.join(root, "node_modules/next/dist/bin/next");

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  // The suite decides auth and storage; nothing leaks in from the developer's shell.
  for (const name of ["BATON_TOKEN", "BATON_HOST", "BATON_PORT", "PORT", "DATABASE_URL", "BATON_ALLOWED_ORIGINS"]) {
    delete env[name];
  }
  return Object.assign(env, extra);
}

function runToEndOrThrow(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(" ")} exited ${code}:\n${output}`))));
  });
}

/**
 * `next build` rewrites tsconfig.json to include its dist dir's generated types; a test
 * must leave the checkout as it found it, so the file is restored byte for byte.
 */
async function buildOrThrow(options: TestServerOptions): Promise<void> {
  const tsconfigPath = path.join(options.projectRoot, "tsconfig.json");
  const tsconfig = fs.readFileSync(tsconfigPath, "utf8");
  try {
    await runToEndOrThrow(
      [nextBin(options.projectRoot), "build"],
      options.projectRoot,
      childEnv({ ...options.env, BATON_NEXT_DIST_DIR: options.distDir }),
    );
  } finally {
    if (fs.readFileSync(tsconfigPath, "utf8") !== tsconfig) fs.writeFileSync(tsconfigPath, tsconfig);
  }
}

async function waitForHttpOrThrow(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode} before answering:\n${output()}`);
    try {
      await fetch(url, { redirect: "manual" });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

export async function startTestServerOrThrow(options: TestServerOptions): Promise<TestServer> {
  await buildOrThrow(options);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-security-"));
  // Through the launcher `npm run serve` uses, so its host/port handling and signal
  // forwarding (stop() below) are exercised too.
  const child = spawn(
    process.execPath,
    [path.join(options.projectRoot, "node_modules/tsx/dist/cli.mjs"), "scripts/serve.ts", "start"],
    {
      cwd: options.projectRoot,
      env: childEnv({
        ...options.env,
        BATON_HOST: "127.0.0.1",
        BATON_PORT: String(options.port),
        BATON_NEXT_DIST_DIR: options.distDir,
        BATON_DATA_DIR: dataDir,
      }),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${options.port}`;
  await waitForHttpOrThrow(`${baseUrl}/login`, child, () => output);
  return {
    baseUrl,
    dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      // The launcher forwards SIGTERM to Next: once it has exited, nothing may still listen.
      for (let attempt = 0; ; attempt++) {
        const answered = await fetch(`${baseUrl}/login`).then(
          () => true,
          () => false,
        );
        if (!answered) break;
        if (attempt >= 50) throw new Error(`the server still answers on ${baseUrl} after its launcher exited`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
