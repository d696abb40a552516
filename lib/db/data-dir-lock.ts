/**
 * One process per embedded data dir. PGlite is Postgres in this process's memory, writing to
 * the data dir as if it owned it: two processes on one dir (the web server and `npm run mcp`,
 * say) each see only their own writes, and whichever closes last overwrites the other's —
 * runs vanish, others stay "running" forever. So the dir is locked exclusively:
 *
 * - The lock is a listening Unix socket, named after the dir's real path (in Linux's
 *   abstract namespace; elsewhere a socket file in the temp dir). Binding is atomic, and the
 *   kernel releases it when the process dies however it dies (SIGKILL included): a dead
 *   holder never leaves a stale lock — on Linux there is nothing to reclaim; a socket file
 *   left behind elsewhere answers no connection and is replaced. (Node has no flock.)
 * - The holder answers a connection with who it is: its pid and, for the web server, its URL,
 *   so the refused process can say where to go instead.
 * - A pid file (`<dir>.lock`) says the same for people and tools; it is rewritten by each
 *   new holder, so one left by a dead process is simply replaced.
 * - The same process opening the same dir twice (a second PGlite on it would be the same
 *   corruption) is refused too; the caller's cache on globalThis (client.ts getDb) is what
 *   keeps Next's module re-evaluation (dev server, HMR) from ever trying.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export class DataDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly holderPid: number | null,
    message: string,
  ) {
    super(message);
    this.name = "DataDirInUseError";
  }
}

interface Holder {
  pid: number;
  /** The web server's address, when the holder is one. */
  url: string | null;
  program: string;
}

export interface DataDirLock {
  readonly dir: string;
  release(): Promise<void>;
}

const shared = globalThis as unknown as { __batonDataDirLocks?: Set<string> };
const heldHere = () => (shared.__batonDataDirLocks ??= new Set());

/** Who this process is, asked when another process knocks (the web server's URL is known by then). */
function thisHolder(): Holder {
  const inNext = process.env.NEXT_RUNTIME === "nodejs";
  // Next's server records where it listens (start-server.js); BATON_HOST/PORT are the launcher's.
  const url = inNext
    ? (process.env.__NEXT_PRIVATE_ORIGIN ?? `http://${process.env.BATON_HOST ?? "127.0.0.1"}:${process.env.PORT ?? process.env.BATON_PORT ?? "3000"}`)
    : null;
  return { pid: process.pid, url, program: inNext ? "the Baton web server" : path.basename(process.argv[1] ?? process.argv0) };
}

function socketAddress(realDir: string): string {
  const digest = crypto.createHash("sha256").update(realDir).digest("hex").slice(0, 32);
  return process.platform === "linux" ? `\0baton-pglite-${digest}` : path.join(os.tmpdir(), `baton-pglite-${digest}.sock`);
}

function listen(address: string): Promise<net.Server | "in-use"> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => {
      socket.on("error", () => {});
      socket.end(`${JSON.stringify(thisHolder())}\n`);
    });
    server.once("error", (error: NodeJS.ErrnoException) => (error.code === "EADDRINUSE" ? resolve("in-use") : reject(error)));
    server.listen(address, () => {
      // The lock must never keep the process alive.
      server.unref();
      resolve(server);
    });
  });
}

/** Asks the holder who it is; null when nobody answers (a stale socket file). */
function askHolder(address: string): Promise<Holder | null> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    let text = "";
    const done = (holder: Holder | null) => {
      socket.destroy();
      resolve(holder);
    };
    socket.setTimeout(3000, () => done(null));
    socket.on("data", (chunk) => {
      text += chunk.toString();
      if (!text.includes("\n")) return;
      try {
        done(JSON.parse(text) as Holder);
      } catch {
        done(null);
      }
    });
    socket.on("error", () => done(null));
    socket.on("end", () => done(null));
  });
}

function pidFileOf(dir: string): string {
  return `${dir.replace(/\/+$/, "")}.lock`;
}

function readPidFile(dir: string): Holder | null {
  try {
    return JSON.parse(fs.readFileSync(pidFileOf(dir), "utf8")) as Holder;
  } catch {
    return null;
  }
}

function inUseError(dir: string, holder: Holder | null): DataDirInUseError {
  const who = holder ? `pid ${holder.pid} (${holder.program})` : "another process";
  const instead = holder?.url ? `use ${holder.url}/api/mcp or DATABASE_URL` : "stop it, or use DATABASE_URL";
  return new DataDirInUseError(
    dir,
    holder?.pid ?? null,
    `data dir ${dir} in use by ${who} — ${instead} (a Postgres server every process can share); the embedded database serves one process at a time`,
  );
}

/** Takes the data dir's lock, or throws DataDirInUseError naming the holder. `dir` must exist. */
export async function lockDataDirOrThrow(dir: string): Promise<DataDirLock> {
  const realDir = fs.realpathSync(dir);
  if (heldHere().has(realDir)) throw inUseError(dir, thisHolder());
  const address = socketAddress(realDir);
  let server = await listen(address);
  if (server === "in-use") {
    const holder = await askHolder(address);
    // Only a socket file can outlive its process (abstract names go with it): replace it.
    if (holder === null && !address.startsWith("\0")) {
      fs.rmSync(address, { force: true });
      server = await listen(address);
    }
    if (server === "in-use") throw inUseError(dir, holder ?? readPidFile(dir));
  }
  heldHere().add(realDir);
  const pidFile = pidFileOf(dir);
  fs.writeFileSync(pidFile, `${JSON.stringify({ ...thisHolder(), url: null })}\n`);
  const held = server;
  let released: Promise<void> | null = null;
  return {
    dir,
    release() {
      released ??= new Promise<void>((resolve) => {
        if (readPidFile(dir)?.pid === process.pid) fs.rmSync(pidFile, { force: true });
        heldHere().delete(realDir);
        held.close(() => resolve());
      });
      return released;
    },
  };
}
