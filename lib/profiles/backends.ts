/**
 * Availability checks per backend for the profiles API. The demo backend is built in and
 * needs nothing installed, so it is always available.
 */
import { acpBackend } from "../agents/acp/backend";
import { commandBackend } from "../agents/command/backend";
import { openaiBackend } from "../agents/openai/backend";
import type { AgentBackend, Availability } from "../agents/types";
import type { BackendLookup } from "./availability";

const demoAvailability = { availability: async (): Promise<Availability> => ({ available: true, reason: "built in, offline" }) };

const CHECKS: Record<AgentBackend["id"], Pick<AgentBackend, "availability">> = {
  acp: acpBackend,
  command: commandBackend,
  openai: openaiBackend,
  demo: demoAvailability,
};

export const lookupBackend: BackendLookup = (id) => {
  const backend = CHECKS[id];
  if (!backend) throw new Error(`unknown backend ${id}`);
  return backend;
};
