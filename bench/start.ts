/**
 * Start-up bench: what a new user waits for, from a fresh clone.
 *
 * 1. `git clone` of this repository's HEAD (committed work only) into a temporary directory.
 * 2. `npm start` there, as the README says: installs dependencies (npm's cache on this machine
 *    is used, so the install is a warm-cache one — the figure says so), builds, serves, warms.
 *    The launcher's stderr lines are timestamped to split install / build / serve.
 * 3. Chromium opens the URL the launcher printed: "first page interactive" = the flows list
 *    showing the example flow. Then every page's FIRST visit, one full navigation each, timed
 *    until its content is there: the designer (canvas nodes), history (runs table), a run
 *    (its graph), agent settings (profile rows).
 * 4. The server is stopped and `npm start` run again: the restart figure (nothing to install
 *    or build).
 *
 * Targets (issue 16): npm start → first page interactive ≤ 60 s after the install, each page's
 * first visit ≤ 1 s. Figures depend on the machine and its load; the load average is printed.
 *
 * Env: BATON_BENCH_PORT (default 3302), BATON_BENCH_KEEP=1 keeps the clone (its path is printed).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { chromium, type Page } from "@playwright/test";
import { chromiumArgs } from "../playwright.config";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.env.BATON_BENCH_PORT ?? 3302);
const origin = `http://127.0.0.1:${port}`;
const systemChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));
const READY_TIMEOUT_MS = 30 * 60_000;

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");

interface Launch {
  child: ChildProcess;
  t0: number;
  /** stderr/stdout lines with the time since t0 they arrived. */
  lines: Array<{ at: number; text: string }>;
  ready: Promise<number>;
}

/** `npm start` in `dir`, in its own process group (so the whole tree can be stopped). */
function npmStart(dir: string): Launch {
  const env: NodeJS.ProcessEnv = { ...process.env, BATON_HOST: "127.0.0.1", BATON_PORT: String(port) };
  for (const name of ["BATON_TOKEN", "PORT", "BATON_DATA_DIR", "BATON_NEXT_DIST_DIR", "DATABASE_URL"]) delete env[name];
  const t0 = performance.now();
  const child = spawn("npm", ["start"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const lines: Launch["lines"] = [];
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no ready line in ${s(READY_TIMEOUT_MS)}`)), READY_TIMEOUT_MS);
    for (const stream of [child.stdout!, child.stderr!]) {
      readline.createInterface({ input: stream }).on("line", (text) => {
        const at = performance.now() - t0;
        lines.push({ at, text });
        console.log(`  ${s(at).padStart(7)} | ${text}`);
        if (text.startsWith("Baton is ready: ")) {
          clearTimeout(timer);
          resolve(at);
        }
      });
    }
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code} before it was ready`));
    });
  });
  return { child, t0, lines, ready };
}

async function stop(launch: Launch): Promise<void> {
  if (launch.child.exitCode !== null || launch.child.signalCode !== null) return;
  const exited = new Promise((resolve) => launch.child.once("exit", resolve));
  process.kill(-launch.child.pid!, "SIGTERM");
  const timer = setTimeout(() => process.kill(-launch.child.pid!, "SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

const lineAt = (launch: Launch, pattern: RegExp) => launch.lines.find((l) => pattern.test(l.text));

/** Full navigation to `url`; resolves with the ms until `ready(page)` holds. */
async function visit(page: Page, url: string, ready: (page: Page) => Promise<void>): Promise<number> {
  const started = performance.now();
  await page.goto(url);
  await ready(page);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  const dirty = execFileSync("git", ["status", "--porcelain"], { cwd: root, encoding: "utf8" }).trim() !== "";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-start-bench-"));
  console.log(`start bench: fresh clone of ${head}${dirty ? " (uncommitted changes are NOT in it)" : ""} in ${dir}`);
  console.log(`machine: ${os.cpus().length} cores, load average ${load()}, node ${process.version}`);
  execFileSync("git", ["clone", "--quiet", root, dir]);

  const first = npmStart(dir);
  let browser;
  try {
    const readyAt = await first.ready;
    const building = lineAt(first, /building the app/);
    const built = lineAt(first, /built in/);
    const installEnd = building?.at ?? readyAt;

    browser = await chromium.launch({ ...(systemChromium ? { executablePath: systemChromium } : {}), args: chromiumArgs });
    const page = await browser.newPage();
    const flowsMs = await visit(page, `${origin}/`, async (p) => {
      await p.getByTestId("flow-row").first().waitFor();
    });
    const interactiveAt = performance.now() - first.t0;

    const flows = (await (await fetch(`${origin}/api/flows`)).json()) as { flows: Array<{ id: string }> };
    const flowId = flows.flows[0]!.id;
    const settings = (await (await fetch(`${origin}/api/settings`)).json()) as { exampleRepo: string | null };
    const started = await fetch(`${origin}/api/flows/${flowId}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ inputs: { task: "Add a greeting" }, repo: settings.exampleRepo }),
    });
    const runBody = (await started.json()) as { id?: string; run?: { id: string } };
    const runId = runBody.id ?? runBody.run?.id;
    if (!started.ok || !runId) throw new Error(`could not start the example run: ${started.status} ${JSON.stringify(runBody)}`);

    const pages: Array<[string, number]> = [["/flows (first page)", flowsMs]];
    pages.push([
      "/flows/:id (designer)",
      await visit(page, `${origin}/flows/${flowId}`, async (p) => {
        await p.locator(".react-flow__node").first().waitFor();
      }),
    ]);
    pages.push([
      "/runs/:id (live run)",
      await visit(page, `${origin}/runs/${runId}`, async (p) => {
        await p.getByTestId("run-page").waitFor();
        await p.locator(".react-flow__node").first().waitFor();
      }),
    ]);
    pages.push([
      "/runs (history)",
      await visit(page, `${origin}/runs`, async (p) => {
        await p.getByTestId("run-row").first().waitFor();
      }),
    ]);
    pages.push([
      "/settings/agents",
      await visit(page, `${origin}/settings/agents`, async (p) => {
        await p.getByTestId("profile-row").first().waitFor();
      }),
    ]);
    await browser.close();
    browser = undefined;
    await stop(first);

    const again = npmStart(dir);
    const restartMs = await again.ready;
    await stop(again);

    const after = interactiveAt - installEnd;
    console.log("");
    console.log(`npm start from a fresh clone (${head}; npm install with a warm npm cache), load average ${load()}:`);
    console.log(`  install (npm install)                ${s(installEnd)}`);
    console.log(`  build (next build, first start)      ${built ? built.text.replace(/.*built in /, "") : "none"}`);
    console.log(`  ready line printed                   ${s(readyAt)} after npm start`);
    console.log(`  first page interactive               ${s(interactiveAt)} after npm start; ${s(after)} after the install (target ≤ 60 s)`);
    console.log(`first visit of each page (full navigation until its content shows; target ≤ 1 s):`);
    for (const [name, ms] of pages) console.log(`  ${name.padEnd(36)} ${Math.round(ms)} ms`);
    console.log(`restart (npm start again: nothing to install or build) → ready line: ${s(restartMs)}`);
  } finally {
    await browser?.close();
    await stop(first);
    if (process.env.BATON_BENCH_KEEP === "1") console.log(`clone kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
