/**
 * Agent backends by id: the one place the engine finds a backend for a profile's `backend`
 * column. One line per backend; adding one is a one-line edit here.
 */
import type { AgentBackend } from "./types";
import { demoBackend } from "./demo/backend";

const BACKENDS: ReadonlyMap<string, AgentBackend> = new Map<string, AgentBackend>([
  ["demo", demoBackend],
]);

export function backendFor(backendId: string): AgentBackend | undefined {
  return BACKENDS.get(backendId);
}
