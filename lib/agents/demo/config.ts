/** The `demo` backend's settings: test knobs, harmless in a profile and in a node alike. */
import { z } from "zod";

export const demoOptionsSchema = z.object({
  delayMs: z.number().int().min(0).max(600_000).optional(),
  chunks: z.number().int().min(1).max(10_000).optional(),
  text: z.string().optional(),
  failTimes: z.number().int().min(0).optional(),
  hang: z.boolean().optional(),
  /** The default step timeout for this profile (a node's own timeout wins). */
  timeoutSec: z.number().int().min(1).max(24 * 3600).optional(),
});
export type DemoOptions = z.infer<typeof demoOptionsSchema>;

/** What a flow's node may set (lib/agents/node-options.ts): the test knobs — they run no program. */
export const demoNodeOptionsSchema = demoOptionsSchema.pick({
  delayMs: true,
  chunks: true,
  text: true,
  failTimes: true,
  hang: true,
});
