/**
 * Agent backends by id: the one place the engine finds a backend for a profile's `backend`
 * column. One line per backend; adding one is a one-line edit here.
 */
import type { AgentBackend } from "./types";
import { demoBackend } from "./demo/backend";
import { acpBackend } from "./acp/backend";
import { commandBackend } from "./command/backend";
import { openaiBackend } from "./openai/backend";

const BACKENDS: ReadonlyMap<string, AgentBackend> = new Map<string, AgentBackend>([
  ["demo", demoBackend],
  ["acp", acpBackend],
  ["command", commandBackend],
  ["openai", openaiBackend],
]);

export function backendFor(backendId: string): AgentBackend | undefined {
  return BACKENDS.get(backendId);
}
