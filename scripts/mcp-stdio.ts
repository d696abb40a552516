/**
 * Baton's MCP server over stdio (`npm run mcp`), for MCP clients that spawn their tools,
 * e.g. `claude mcp add baton -- npm --prefix /path/to/baton run --silent mcp`.
 *
 * It opens the same database as the web server (PGlite in BATON_DATA_DIR/.baton, or
 * DATABASE_URL) and runs an embedded worker (off with BATON_EMBEDDED_WORKER=0, as in the
 * web server), so the runs it starts make progress without a web server. Invariant: stdout carries the protocol only — every diagnostic goes to
 * stderr (console.log is redirected there before anything else runs).
 */
import path from "node:path";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { appDb } from "../lib/app-db";
import { DataDirInUseError } from "../lib/db/data-dir-lock";
import { embeddedWorkerEnabled } from "../lib/dispatch/embedded";
import { startWorkerHost, type WorkerHost } from "../lib/dispatch/host";
import { workerConfigFromEnvOrThrow } from "../lib/dispatch/worker-config";
import { engine } from "../lib/engine/engine";
import { createBatonMcpServer } from "../lib/mcp/server";

console.log = console.error;
console.info = console.error;
console.debug = console.error;

// Relative data dirs mean the project's, whatever directory the MCP client spawned us in.
process.chdir(path.resolve(import.meta.dirname, ".."));

const log = (message: string, error?: unknown) => console.error(message, error ?? "");

async function main(): Promise<void> {
  const db = await appDb();
  let host: WorkerHost | null = null;
  if (embeddedWorkerEnabled()) {
    host = await startWorkerHost(db, engine, "embedded", workerConfigFromEnvOrThrow());
  }
  const server = createBatonMcpServer({ db: async () => db, log });
  const transport = new StdioServerTransport();

  let closing: Promise<void> | null = null;
  const shutdown = (code: number) => {
    closing ??= (async () => {
      await server.close().catch(() => {});
      await host?.stop().catch((error: unknown) => log("[baton mcp] worker stop failed", error));
      await db.close().catch(() => {});
    })().finally(() => process.exit(code));
  };
  // The client closing our stdin is the normal way an stdio MCP server is told to exit.
  process.stdin.on("end", () => shutdown(0));
  process.stdin.on("close", () => shutdown(0));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => shutdown(0));

  await server.connect(transport);
  log(`[baton mcp] ready on stdio (database: ${db.driver}${host ? `, worker ${host.worker.id}` : ", no worker"})`);
}

main().catch((error: unknown) => {
  // A data dir held by the web server is an expected refusal: say where to go, no stack.
  if (error instanceof DataDirInUseError) console.error(`[baton mcp] ${error.message}`);
  else log("[baton mcp] failed to start:", error);
  process.exit(1);
});
