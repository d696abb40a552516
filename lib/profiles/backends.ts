/** Backend lookup for profile availability checks: the agent registry, failing loudly on an unknown id. */
import { backendFor } from "../agents/registry";
import type { BackendLookup } from "./availability";

export const lookupBackend: BackendLookup = (id) => {
  const backend = backendFor(id);
  if (!backend) throw new Error(`backend "${id}" is not available in this build`);
  return backend;
};
