/** The `acp` backend's settings (profile config merged with the node's options). */
import { z } from "zod";
import { envMapSchema } from "../command/config";

export const acpConfigSchema = z.object({
  /** argv: the agent binary (on PATH or absolute) and its arguments. Never a shell string. */
  command: z.array(z.string().min(1, "must not be empty")).min(1, "needs at least the program to run"),
  /** Extra environment; values may be `$VAR` references resolved at run time. */
  env: envMapSchema.optional(),
  /** `session/set_mode` before prompting (mode ids are agent-specific: "auto", "build", …). */
  mode: z.string().min(1).optional(),
  /** How `session/request_permission` is answered; see permission.ts. */
  permissionPolicy: z.enum(["worktree", "allow", "deny"]).default("worktree"),
  /** After `session/cancel`, how long the agent gets to stop before its process group is killed. */
  cancelGraceMs: z.number().int().min(0).max(60_000).default(3000),
  /** Availability check: how long `initialize` may take. */
  availabilityTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
});
export type AcpConfig = z.output<typeof acpConfigSchema>;

/**
 * What a flow's node may set for an acp profile (lib/agents/node-options.ts). Never the
 * program, its environment or its permission policy: those are the profile's.
 */
export const acpNodeOptionsSchema = acpConfigSchema.pick({
  mode: true,
});
