/**
 * One process per embedded data dir, with real processes: a holder, `npm run mcp`'s own
 * script refused while it holds the dir, nothing the holder wrote lost, a SIGKILLed holder's
 * lock reclaimed, and the same process kept from opening a dir twice.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb, openDb, rows } from "./client";
import { DataDirInUseError } from "./data-dir-lock";

const ROOT = path.resolve(import.meta.dirname, "../..");
const HOLDER = path.join(import.meta.dirname, "testing/hold-data-dir.ts");
const MCP_STDIO = path.join(ROOT, "scripts/mcp-stdio.ts");

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-lock-"));
  dirs.push(dir);
  return dir;
}

interface Running {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first stdout line matching `pattern`. */
  line(pattern: RegExp): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
}

/** How a process that should be refused ends: "exited <code>", or "started" if it wasn't. */
function outcomeOf(process: Running, started: RegExp): Promise<string> {
  return Promise.race([process.exited.then((code) => `exited ${code}`), process.line(started).then(() => "started", () => "exited")]);
}

function run(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: ROOT,
    env: { ...process.env, BATON_EMBEDDED_WORKER: "0", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    async line(pattern) {
      for (;;) {
        const match = pattern.exec(out);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before ${pattern}:\n${out}`);
        await Promise.race([new Promise<void>((wake) => waiters.push(wake)), exited]);
      }
    },
  };
}

async function flowNames(pgdata: string): Promise<string[]> {
  const db = await openDb({ dataDir: pgdata });
  try {
    return (await rows<{ name: string }>(db.orm, sql`select name from flows order by name`)).map((r) => r.name);
  } finally {
    await db.close();
  }
}

describe("the embedded data dir lock", () => {
  it("refuses npm run mcp while another process holds the data dir, naming it; nothing the holder writes is lost", async () => {
    const dataDir = tempDir();
    const pgdata = path.join(dataDir, "pgdata");
    const holder = run([HOLDER, pgdata]);
    const pid = Number((await holder.line(/ready (\d+)/))[1]);

    // npm run mcp answers on stdio at once (its database opens lazily), waits a while for the
    // data dir, then says who holds it — the same words its tools answer with meanwhile.
    const mcp = run([MCP_STDIO], { BATON_DATA_DIR: dataDir });
    await mcp.line(/ready on stdio/);
    await mcp.line(/could not open the database/);
    expect(mcp.output()).toContain(`[baton mcp] could not open the database: data dir ${pgdata} in use by pid ${pid} (hold-data-dir.ts) — stop it, or use DATABASE_URL`);
    expect(mcp.output()).not.toMatch(/\n\s+at /);
    mcp.child.stdin!.end();
    expect(await mcp.exited).toBe(0);
    expect(JSON.parse(fs.readFileSync(`${pgdata}.lock`, "utf8"))).toMatchObject({ pid });

    // The holder goes on writing, undisturbed, and everything is there after it closes.
    holder.child.stdin!.write("insert second\n");
    await holder.line(/ok second/);
    holder.child.stdin!.end();
    expect(await holder.exited).toBe(0);
    expect(fs.existsSync(`${pgdata}.lock`)).toBe(false);
    expect(await flowNames(pgdata)).toEqual(expect.arrayContaining(["first", "second"]));

    // With the holder gone, npm run mcp opens the same dir.
    const after = run([MCP_STDIO], { BATON_DATA_DIR: dataDir });
    await after.line(/\[baton mcp\] database open \(pglite/);
    after.child.stdin!.end();
    expect(await after.exited).toBe(0);
  }, 300_000);

  it("reclaims the lock of a SIGKILLed holder", async () => {
    const pgdata = path.join(tempDir(), "pgdata");
    const first = run([HOLDER, pgdata]);
    const firstPid = Number((await first.line(/ready (\d+)/))[1]);
    const refused = run([HOLDER, pgdata]);
    expect(await outcomeOf(refused, /ready/)).toBe("exited 3");
    expect(refused.output()).toContain(`in use by pid ${firstPid}`);

    first.child.kill("SIGKILL");
    await first.exited;
    const second = run([HOLDER, pgdata]);
    const secondPid = Number((await second.line(/ready (\d+)/))[1]);
    expect(JSON.parse(fs.readFileSync(`${pgdata}.lock`, "utf8"))).toMatchObject({ pid: secondPid });
    second.child.stdin!.end();
    expect(await second.exited).toBe(0);
  }, 120_000);

  it("refuses a second open in the same process until the first is closed", async () => {
    const pgdata = path.join(tempDir(), "pgdata");
    const db = await openDb({ dataDir: pgdata });
    const again = await openDb({ dataDir: pgdata }).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(DataDirInUseError);
    expect((again as Error).message).toContain(`in use by pid ${process.pid}`);
    await db.close();
    await (await openDb({ dataDir: pgdata })).close();
  });

  it("is never taken by next build", async () => {
    const previous = process.env.NEXT_PHASE;
    process.env.NEXT_PHASE = "phase-production-build";
    try {
      await expect(getDb()).rejects.toThrow("the database is not opened during next build");
    } finally {
      if (previous === undefined) delete process.env.NEXT_PHASE;
      else process.env.NEXT_PHASE = previous;
    }
  });
});
