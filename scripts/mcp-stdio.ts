/**
 * Baton's MCP server over stdio (`npm run mcp`), for MCP clients that spawn their tools,
 * e.g. `claude mcp add baton -- npm --prefix /path/to/baton run --silent mcp`.
 *
 * It opens the same database as the web server (PGlite in BATON_DATA_DIR/.baton, or
 * DATABASE_URL) and runs an embedded worker (off with BATON_EMBEDDED_WORKER=0, as in the
 * web server), so the runs it starts make progress without a web server. The transport is
 * connected before anything is opened (lib/mcp/stdio-backend.ts: lazy opening, and what
 * happens to runs when the client exits). Invariant: stdout carries the protocol only —
 * every diagnostic goes to stderr (console.log is redirected there before anything else runs).
 */
import path from "node:path";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { appDb } from "../lib/app-db";
import { createBatonMcpServer } from "../lib/mcp/server";
import { STDIO_RUN_NOTE, stdioBackend } from "../lib/mcp/stdio-backend";

console.log = console.error;
console.info = console.error;
console.debug = console.error;

// Relative data dirs mean the project's, whatever directory the MCP client spawned us in.
process.chdir(path.resolve(import.meta.dirname, ".."));

const log = (message: string, error?: unknown) => console.error(message, error ?? "");

async function main(): Promise<void> {
  const backend = stdioBackend(appDb, log);
  const server = createBatonMcpServer({ db: () => backend.db(), log, ...(backend.hasWorker ? { runNote: STDIO_RUN_NOTE } : {}) });

  let closing: Promise<void> | null = null;
  const shutdown = (code: number) => {
    closing ??= (async () => {
      await server.close().catch(() => {});
      await backend.close();
    })().finally(() => process.exit(code));
  };
  // The client closing our stdin is the normal way an stdio MCP server is told to exit.
  process.stdin.on("end", () => shutdown(0));
  process.stdin.on("close", () => shutdown(0));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => shutdown(0));

  await server.connect(new StdioServerTransport());
  log("[baton mcp] ready on stdio; opening the database");
  backend.start();
}

main().catch((error: unknown) => {
  log("[baton mcp] failed to start:", error);
  process.exit(1);
});
