/** The `command` backend's settings, and the env map shared by process-based backends. */
import { z } from "zod";

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const envMapSchema = z.record(
  z.string().regex(ENV_NAME, "must be an environment variable name"),
  z.string(),
);

/** A step timeout in seconds (a profile's default; a node's own timeoutSec wins). */
export const timeoutSecSchema = z.number().int().min(1).max(24 * 3600);

/**
 * Config files an agent reads from its HOME ("~/.qwen/settings.json"), by path relative to
 * the profile's own HOME; written there before each start. Relative, no "..": they can't
 * land outside that HOME.
 */
export const homeFilesSchema = z.record(
  z
    .string()
    .min(1)
    .refine((p) => !p.startsWith("/") && !p.split(/[\\/]/).includes("..") && !p.includes("\0"), "must be a relative path inside the profile's HOME"),
  z.string().max(1_000_000),
);

export const commandConfigSchema = z
  .object({
    /** argv; an element equal to or containing `{prompt}` receives the prompt text. */
    command: z.array(z.string().min(1, "must not be empty")).min(1, "needs at least the program to run"),
    /** `stdin`: the prompt is written to stdin; `argv`: substituted into `{prompt}`. */
    promptVia: z.enum(["stdin", "argv"]).default("stdin"),
    env: envMapSchema.optional(),
    homeFiles: homeFilesSchema.optional(),
    timeoutSec: timeoutSecSchema.optional(),
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
