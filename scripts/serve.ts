/**
 * Launcher for `npm start`, `npm run dev` and `npm run serve`: decides where to listen
 * (lib/auth/bind.ts), refuses a non-loopback address without BATON_TOKEN (exit code 2), then
 * runs `next dev` or `next start` as a child with an argv array and forwards signals to it.
 *
 *   tsx scripts/serve.ts dev|start
 * Nothing may follow the mode (exit code 2): an appended `--hostname` would override the checked one.
 *   BATON_HOST (default 127.0.0.1), BATON_PORT or PORT (default 3000), BATON_TOKEN
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { BindRefusedError, listenPlanOrThrow, refuseExtraLauncherArgs } from "../lib/auth/bind";

const EXIT_REFUSED = 2;
const MODES = new Set(["dev", "start"]);

function main(): void {
  const [mode, ...extra] = process.argv.slice(2);
  if (!mode || !MODES.has(mode)) {
    console.error("usage: tsx scripts/serve.ts dev|start");
    process.exit(EXIT_REFUSED);
  }

  let plan;
  try {
    refuseExtraLauncherArgs(extra);
    plan = listenPlanOrThrow(process.env);
  } catch (error) {
    if (error instanceof BindRefusedError) {
      console.error(`[baton] ${error.message}`);
      process.exit(EXIT_REFUSED);
    }
    throw error;
  }
  for (const warning of plan.warnings) console.error(`[baton] warning: ${warning}`);
  console.error(
    `[baton] next ${mode} on http://${plan.host.includes(":") ? `[${plan.host}]` : plan.host}:${plan.port}` +
      (plan.authenticated ? " (token auth on)" : " (loopback only, no auth)"),
  );

  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const child = spawn(process.execPath, [nextBin, mode, "--hostname", plan.host, "--port", String(plan.port)], {
    stdio: "inherit",
    env: process.env,
  });

  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, forward(signal));

  child.on("error", (error) => {
    console.error(`[baton] could not start next: ${error.message}`);
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

main();
