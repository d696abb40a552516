/** What every tool needs: the database (opened lazily) and a server-side log. */
import type { Db } from "../db/client";

export interface ToolContext {
  db: () => Promise<Db>;
  /** Server-side diagnostics. Over stdio this MUST NOT write to stdout (it is the protocol). */
  log: (message: string, error?: unknown) => void;
  /** Said with every run started (run_flow, create_agent): what happens to it if this server exits. */
  runNote?: string;
}
