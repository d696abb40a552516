/**
 * Next.js server start hook: runs the embedded worker inside the server process (nodejs
 * runtime only; the edge runtime has no sockets or child processes). Disabled with
 * BATON_EMBEDDED_WORKER=0. The import is dynamic so the worker's modules never load in
 * the edge runtime or at build time.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.BATON_EMBEDDED_WORKER === "0") return;
  const { startEmbeddedWorker } = await import("./lib/dispatch/embedded");
  // Not awaited: the server must answer requests while the database opens (or is retried).
  void startEmbeddedWorker();
}
