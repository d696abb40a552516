/** The `command` backend's settings, and the env map shared by process-based backends. */
import { z } from "zod";

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const envMapSchema = z.record(
  z.string().regex(ENV_NAME, "must be an environment variable name"),
  z.string(),
);

export const commandConfigSchema = z
  .object({
    /** argv; an element equal to or containing `{prompt}` receives the prompt text. */
    command: z.array(z.string().min(1, "must not be empty")).min(1, "needs at least the program to run"),
    /** `stdin`: the prompt is written to stdin; `argv`: substituted into `{prompt}`. */
    promptVia: z.enum(["stdin", "argv"]).default("stdin"),
    env: envMapSchema.optional(),
    /** After cancel or timeout, SIGTERM to the group, then SIGKILL after this grace. */
    killGraceMs: z.number().int().min(0).max(60_000).default(2000),
  })
  .superRefine((config, ctx) => {
    const hasPlaceholder = config.command.some((arg) => arg.includes("{prompt}"));
    if (config.promptVia === "argv" && !hasPlaceholder) {
      ctx.addIssue({ code: "custom", path: ["command"], message: 'promptVia "argv" needs an argument containing {prompt}' });
    }
    if (config.command[0]?.includes("{prompt}")) {
      ctx.addIssue({ code: "custom", path: ["command", 0], message: "the program itself can't be the prompt" });
    }
  });
export type CommandConfig = z.output<typeof commandConfigSchema>;

/**
 * What a flow's node may set for a command profile (lib/agents/node-options.ts): nothing —
 * the program, how it gets the prompt and its environment are the profile's.
 */
export const commandNodeOptionsSchema = z.object({});
