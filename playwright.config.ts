import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const port = Number(process.env.BATON_E2E_PORT ?? 3210);
// A fresh embedded database for every e2e run; PGlite in this directory, no server needed.
const dataDir = process.env.BATON_E2E_DATA_DIR ?? path.join(os.tmpdir(), `baton-e2e-${port}`);

// Playwright can't download browsers on machines without internet; use the system
// Chromium when there is one, and Playwright's own browser otherwise.
const systemChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      ...(systemChromium ? { executablePath: systemChromium } : {}),
      args: chromiumArgs,
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  // The same launcher as `npm start` (scripts/serve.ts): builds only when the sources changed
  // since the last build, serves the production build, and prints its ready line once every
  // page has been warmed — so tests start against the server a user gets. No reuse of a
  // running server: readiness is that line, which only a fresh launcher prints.
  webServer: {
    command: `rm -rf "${dataDir}" && node node_modules/tsx/dist/cli.mjs scripts/serve.ts start`,
    wait: { stdout: /Baton is ready: / },
    timeout: 600_000,
    reuseExistingServer: false,
    env: { BATON_DATA_DIR: dataDir, BATON_HOST: "127.0.0.1", BATON_PORT: String(port) },
    stdout: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
