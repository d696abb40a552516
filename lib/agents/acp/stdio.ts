/** Wiring an agent process's stdio to an ACP connection, and what Baton says at `initialize`. */
import { Readable, Writable } from "node:stream";
import * as acp from "@agentclientprotocol/sdk";
import type { ExitInfo, GroupProcess } from "../command/process-group";
import { AgentError } from "../types";

const CLIENT_INFO = { name: "baton", version: "0.1.0" };

export function connectStdio(proc: GroupProcess): acp.Stream {
  const { stdin, stdout } = proc.child;
  if (!stdin || !stdout) throw new AgentError("crash", "agent process has no stdio");
  // A write after the agent died raises EPIPE on stdin; the exit path reports the crash.
  stdin.on("error", () => {});
  return acp.ndJsonStream(Writable.toWeb(stdin), Readable.toWeb(stdout) as ReadableStream<Uint8Array>);
}

/** `fs`: whether Baton offers its (worktree-confined) fs/read_text_file and fs/write_text_file. */
export function initializeParams(options: { fs: boolean } = { fs: true }): acp.InitializeRequest {
  return {
    protocolVersion: acp.PROTOCOL_VERSION,
    clientCapabilities: { fs: { readTextFile: options.fs, writeTextFile: options.fs }, terminal: false },
    clientInfo: CLIENT_INFO,
  };
}

/** An error the agent sent as a JSON-RPC error response (numeric code), not a transport failure. */
export function isJsonRpcError(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "number";
}

export function exitWithin(proc: GroupProcess, ms: number): Promise<ExitInfo | null> {
  return Promise.race([proc.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms).unref())]);
}

/** ACP's "authentication required" error (-32000). */
export function isAuthRequired(error: unknown): boolean {
  return isJsonRpcError(error) && (error as { code: number }).code === -32000;
}
