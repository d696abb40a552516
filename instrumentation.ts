/**
 * Next.js server start hook: runs the embedded worker inside the server process (nodejs
 * runtime only; the edge runtime has no sockets or child processes), and the run log (a line
 * on the console when a run starts and when it ends; lib/runs/run-log.ts). The worker is
 * disabled with BATON_EMBEDDED_WORKER=0, the log with BATON_RUN_LOG=0. The imports are dynamic
 * so these modules never load in the edge runtime or at build time.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.BATON_RUN_LOG !== "0") {
    const { startServerRunLog } = await import("./lib/runs/server-run-log");
    void startServerRunLog();
  }
  if (process.env.BATON_EMBEDDED_WORKER === "0") return;
  const { startEmbeddedWorker } = await import("./lib/dispatch/embedded");
  // Not awaited: the server must answer requests while the database opens (or is retried).
  void startEmbeddedWorker();
}
