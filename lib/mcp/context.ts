/** What every tool needs: the database (opened lazily) and a server-side log. */
import type { Db } from "../db/client";
import type { ValidationIssue } from "../flow/validate";

/** A format tool's result, as its observer is told it (see ToolContext.observe). */
export type FormatToolResult = { tool: "describe_flow_format" } | { tool: "validate_flow"; issues: readonly ValidationIssue[] };

export interface ToolContext {
  db: () => Promise<Db>;
  /** Server-side diagnostics. Over stdio this MUST NOT write to stdout (it is the protocol). */
  log: (message: string, error?: unknown) => void;
  /** Said with every run started (run_flow, create_agent): what happens to it if this server exits. */
  runNote?: string;
  /**
   * Told each describe_flow_format and validate_flow result, as computed here (a drafting
   * agent's progress: lib/drafts/draft-activity.ts). Not told of a refused call (bad arguments).
   */
  observe?: (result: FormatToolResult) => void;
}
