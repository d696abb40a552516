/**
 * Tool results and tool errors. A tool that fails because of its input (unknown run, bad
 * provider, invalid repo) answers `isError` with the reason, so the model can correct
 * itself; anything else is logged server-side and answered with a request id only —
 * the same rule as the HTTP routes: no stack traces or SQL errors reach the client.
 */
import crypto from "node:crypto";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { HttpError } from "../http/errors";
import { GitError } from "../git/errors";

export function ok(structured: Record<string, unknown>, text?: string): CallToolResult {
  return {
    content: [{ type: "text", text: text ?? JSON.stringify(structured, null, 2) }],
    structuredContent: structured,
  };
}

export function toolError(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/** One line per problem: "- nodes[1].config.prompt: …". */
export function issueLines(issues: ReadonlyArray<{ path: string; message: string }>): string {
  return issues.map((issue) => `- ${issue.path}: ${issue.message}`).join("\n");
}

/** Errors whose message is about the caller's input and safe to show. */
function clientMessageOf(error: unknown): string | null {
  // HttpError messages already name the field and reason (parseOrThrow, validateOrThrow).
  // A model repairs a document in one go only if it sees every problem, not just the first.
  if (error instanceof HttpError) {
    return error.issues.length > 1 ? `${error.message}\n${issueLines(error.issues)}` : error.message;
  }
  if (error instanceof GitError && error.field !== null) return error.message;
  return null;
}

export function errorResult(error: unknown, log: (message: string, error: unknown) => void): CallToolResult {
  const message = clientMessageOf(error);
  if (message !== null) return toolError(message);
  const requestId = crypto.randomUUID();
  log(`[baton] mcp tool call ${requestId} failed:`, error);
  return toolError(`internal error (request id ${requestId}); details are in the Baton server log`);
}

/** Runs a tool body, turning throws into tool errors. */
export async function guarded(
  body: () => Promise<CallToolResult>,
  log: (message: string, error: unknown) => void,
): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    return errorResult(error, log);
  }
}
