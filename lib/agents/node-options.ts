/**
 * Node options: the backend settings a flow's node may set over its profile's config.
 *
 * The profile is the trust boundary. Only a profile names a program (`command`), an
 * environment (`env`), an endpoint (`baseURL`) or a secret (`apiKey`), and `$VAR` references
 * are resolved only inside a profile's own config. A flow — written by anyone with API
 * access, imported from a file, or created by a model over MCP — may only tune how the
 * profile's agent works: each backend's allow-list lives beside its config
 * (lib/agents/<backend>/config.ts), one line per allowed option.
 *
 * Checked twice: when a flow is saved (lib/flow/validate.ts: a 400 naming the key) and when a
 * step starts (lib/engine/run-agent.ts), for flows saved before this rule and for re-runs
 * with another profile. Pure.
 */
import type { z } from "zod";
import type { AGENT_BACKENDS } from "../db/schema";
import { acpNodeOptionsSchema } from "./acp/config";
import { commandNodeOptionsSchema } from "./command/config";
import { demoNodeOptionsSchema } from "./demo/config";
import { openaiNodeOptionsSchema } from "./openai/config";

type BackendId = (typeof AGENT_BACKENDS)[number];

const NODE_OPTIONS: Record<BackendId, z.ZodObject> = {
  acp: acpNodeOptionsSchema,
  command: commandNodeOptionsSchema,
  openai: openaiNodeOptionsSchema,
  demo: demoNodeOptionsSchema,
};

/** Keys some backend allows: what can be checked before the profile's backend is known. */
const ANY_BACKEND = new Set(Object.values(NODE_OPTIONS).flatMap((schema) => Object.keys(schema.shape)));

/** The option keys a node may set on a profile of `backend` (what describe_flow_format lists). */
export function allowedNodeOptions(backend: string): string[] {
  const schema = NODE_OPTIONS[backend as BackendId];
  return schema ? Object.keys(schema.shape) : [];
}

export interface NodeOptionIssue {
  /** Below the node's `options`: "command", "temperature". */
  path: string;
  message: string;
}

function refused(key: string, backend: string | undefined, allowed: readonly string[]): NodeOptionIssue {
  const whose = backend ? ` with a profile of backend "${backend}"` : "";
  return {
    path: key,
    message: `a node${whose} may not set "${key}": the program, its environment, endpoint and keys come from the agent profile only (node options allowed: ${allowed.length > 0 ? allowed.join(", ") : "none"})`,
  };
}

/**
 * Why `options` may not run on a profile of `backend` ([] when they may). An unknown backend
 * (the profile isn't known yet, e.g. in the editor before profiles load) checks the keys
 * against every backend's allow-list, so what no backend allows is refused anyway.
 */
export function nodeOptionIssues(backend: string | undefined, options: Readonly<Record<string, unknown>>): NodeOptionIssue[] {
  const schema = backend === undefined ? undefined : NODE_OPTIONS[backend as BackendId];
  if (!schema) {
    return Object.keys(options)
      .filter((key) => !ANY_BACKEND.has(key))
      .map((key) => refused(key, backend, [...ANY_BACKEND]));
  }
  const allowed = Object.keys(schema.shape);
  const keys = Object.keys(options).filter((key) => !allowed.includes(key));
  if (keys.length > 0) return keys.map((key) => refused(key, backend, allowed));
  const parsed = schema.safeParse(options);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join(".") || "(options)", message: issue.message }));
}
