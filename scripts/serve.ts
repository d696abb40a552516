/**
 * Launcher for `npm start`, `npm run serve` and `npm run dev`: decides where to listen
 * (lib/auth/bind.ts), refuses a non-loopback address without BATON_TOKEN (exit code 2), then
 * runs Next as a child with an argv array and forwards signals to it.
 *
 *   tsx scripts/serve.ts start   production: builds when the sources changed since the last
 *                                build (lib/launcher/fingerprint.ts), serves it, warms every
 *                                page, then prints ONE line on stdout: "Baton is ready: <url>"
 *   tsx scripts/serve.ts dev     `next dev` (compiles each page on its first visit)
 *
 * Nothing may follow the mode (exit code 2): an appended `--hostname` would override the checked one.
 * BATON_HOST (default 127.0.0.1), BATON_PORT or PORT (default 3000), BATON_TOKEN;
 * BATON_NEXT_DIST_DIR (default .next) for the build.
 *
 * Output: progress and warnings on stderr, the ready line on stdout. Next's own banner
 * ("Ready in 300ms", printed before any page can answer) is dropped; everything else the
 * server prints — errors, the run log — passes through.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";
import { BindRefusedError, listenPlanOrThrow, refuseExtraLauncherArgs, type ListenPlan } from "../lib/auth/bind";
import { buildIsCurrent, recordBuild, runNextBuild } from "../lib/launcher/build";
import { buildFingerprint } from "../lib/launcher/fingerprint";
import { isNextBannerLine } from "../lib/launcher/next-banner";
import { waitForHealth, warmPages } from "../lib/launcher/warm";

const EXIT_REFUSED = 2;
const MODES = new Set(["dev", "start"]);
const root = path.resolve(import.meta.dirname, "..");
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
/** A server that has not answered /api/health by then is reported as failed to start. */
const HEALTH_TIMEOUT_MS = 180_000;

// Telemetry is off for every Next process the launcher starts (no notice, no network call).
const childEnv: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

let current: ChildProcess | null = null;
/** A signal arrived: children are stopping because we asked them to, so their failure is not news. */
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    stopping = true;
    if (current && current.exitCode === null && current.signalCode === null) current.kill(signal);
    else process.exit(128 + (signal === "SIGHUP" ? 1 : signal === "SIGINT" ? 2 : 15));
  });
}

const log = (line: string) => console.error(`[baton] ${line}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function planOrExit(extra: string[]): ListenPlan {
  try {
    refuseExtraLauncherArgs(extra);
    return listenPlanOrThrow(process.env);
  } catch (error) {
    if (error instanceof BindRefusedError) {
      log(error.message);
      process.exit(EXIT_REFUSED);
    }
    throw error;
  }
}

/** Builds unless the build in the dist dir was made from the same sources (exit 1 with Next's output if it fails). */
async function buildIfStale(): Promise<void> {
  const distDir = path.resolve(root, process.env.BATON_NEXT_DIST_DIR ?? ".next");
  const fingerprint = await buildFingerprint(root, process.env);
  if (await buildIsCurrent(distDir, fingerprint)) return;
  log("building the app (first start, or its sources changed; about a minute)…");
  // Type errors are `npm run typecheck`'s job (and `npm test`'s); a start doesn't wait for them.
  const result = await runNextBuild({
    nextBin,
    cwd: root,
    env: { ...childEnv, BATON_BUILD_TYPECHECK: "0" },
    register: (child) => (current = child),
  });
  current = null;
  if (!result.ok) {
    if (stopping) process.exit(1);
    process.stderr.write(result.output);
    log(`the build failed (its output is above); nothing was started`);
    process.exit(1);
  }
  await recordBuild(distDir, fingerprint);
  log(`built in ${seconds(result.ms)}`);
}

/** Copies the child's lines to ours, without Next's banner until the server is up. */
function relay(stream: NodeJS.ReadableStream, out: NodeJS.WritableStream, bannerOver: () => boolean): void {
  readline.createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
    if (!bannerOver() && isNextBannerLine(line)) return;
    out.write(`${line}\n`);
  });
}

function exitLikeChild(child: ChildProcess): void {
  child.on("error", (error) => {
    log(`could not start next: ${error.message}`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    // Mirror the child: a signal death re-raises the same signal on us once our handlers are gone.
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

async function start(plan: ListenPlan, origin: string, access: string): Promise<void> {
  const startedAt = performance.now();
  await buildIfStale();
  const child = spawn(process.execPath, [nextBin, "start", "--hostname", plan.host, "--port", String(plan.port)], {
    cwd: root,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  current = child;
  let ready = false;
  relay(child.stdout!, process.stdout, () => ready);
  relay(child.stderr!, process.stderr, () => ready);
  exitLikeChild(child);

  const alive = () => child.exitCode === null && child.signalCode === null;
  const headers: Record<string, string> = plan.authenticated ? { authorization: `Bearer ${process.env.BATON_TOKEN!.trim()}` } : {};
  // Loopback hosts are asked on their own address; a wildcard one on loopback.
  const local = ["0.0.0.0", "::"].includes(plan.host) ? `http://127.0.0.1:${plan.port}` : origin;
  if (!(await waitForHealth(local, { headers, alive, timeoutMs: HEALTH_TIMEOUT_MS }))) {
    if (!alive()) return; // exitLikeChild reports it
    log(`the server did not answer ${local}/api/health within ${seconds(HEALTH_TIMEOUT_MS)}; stopping it`);
    child.kill("SIGTERM");
    return;
  }
  const warmed = await warmPages(local, headers);
  const failed = warmed.filter((w) => w.status >= 500 || w.status === 0);
  for (const w of failed) log(`warning: ${w.path} answered ${w.status || "nothing"} while warming up`);
  ready = true;
  process.stdout.write(`Baton is ready: ${origin}  (${access}; started in ${seconds(performance.now() - startedAt)})\n`);
}

function dev(plan: ListenPlan, origin: string, access: string): void {
  log(`next dev on ${origin} (${access}); pages compile on their first visit`);
  const child = spawn(process.execPath, [nextBin, "dev", "--hostname", plan.host, "--port", String(plan.port)], {
    cwd: root,
    stdio: "inherit",
    env: childEnv,
  });
  current = child;
  exitLikeChild(child);
}

function main(): void {
  const [mode, ...extra] = process.argv.slice(2);
  if (!mode || !MODES.has(mode)) {
    log("usage: tsx scripts/serve.ts start|dev");
    process.exit(EXIT_REFUSED);
  }
  const plan = planOrExit(extra);
  for (const warning of plan.warnings) log(`warning: ${warning}`);
  const origin = `http://${plan.host.includes(":") ? `[${plan.host}]` : plan.host}:${plan.port}`;
  const access = plan.authenticated ? "token auth on" : "loopback only, no auth";
  if (mode === "dev") dev(plan, origin, access);
  else
    start(plan, origin, access).catch((error: unknown) => {
      log(`could not start: ${error instanceof Error ? error.message : String(error)}`);
      current?.kill("SIGTERM");
      process.exit(1);
    });
}

main();
