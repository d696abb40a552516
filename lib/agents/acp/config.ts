/** The `acp` backend's settings (profile config merged with the node's options). */
import { z } from "zod";
import { envMapSchema, homeFilesSchema, timeoutSecSchema } from "../command/config";

export const acpConfigSchema = z.object({
  /** argv: the agent binary (on PATH or absolute) and its arguments. Never a shell string. */
  command: z.array(z.string().min(1, "must not be empty")).min(1, "needs at least the program to run"),
  /** Extra environment; values may be `$VAR` references resolved at run time. */
  env: envMapSchema.optional(),
  /** Files written into the profile's own HOME before the agent starts (its config files). */
  homeFiles: homeFilesSchema.optional(),
  /** `session/set_mode` before prompting (mode ids are agent-specific: "auto", "build", …). */
  mode: z.string().min(1).optional(),
  /** How `session/request_permission` is answered; see permission.ts. */
  permissionPolicy: z.enum(["worktree", "allow", "deny"]).default("worktree"),
  /**
   * Offer the agent Baton's fs/read_text_file and fs/write_text_file (confined to the
   * worktree). Off: the agent reads and writes the disk itself (Gemini CLI needs this to
   * create files); Baton still sees every change through git.
   */
  clientFs: z.boolean().default(true),
  /**
   * The `authenticate` method to call after `initialize`. Absent: the first method the agent
   * offers of type "env_var" whose variables are all set in the agent's environment.
   */
  authMethod: z.string().min(1).optional(),
  /** The default step timeout for this profile (a node's own timeout wins). */
  timeoutSec: timeoutSecSchema.optional(),
  /** `initialize` must answer within this; a slower start is a retryable failure. */
  startTimeoutMs: z.number().int().min(100).max(600_000).default(60_000),
  /** After `session/cancel`, how long the agent gets to stop before its process group is killed. */
  cancelGraceMs: z.number().int().min(0).max(60_000).default(3000),
  /** The settings page's "Test connection": how long `initialize` (and `session/new`) may take. */
  availabilityTimeoutMs: z.number().int().min(100).max(120_000).default(30_000),
});
export type AcpConfig = z.output<typeof acpConfigSchema>;

/**
 * What a flow's node may set for an acp profile (lib/agents/node-options.ts). Never the
 * program, its environment or its permission policy: those are the profile's.
 */
export const acpNodeOptionsSchema = acpConfigSchema.pick({
  mode: true,
});
