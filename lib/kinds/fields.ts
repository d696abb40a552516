/**
 * Zod building blocks the kinds' config and step-spec schemas share. Pure; imports nothing
 * of Baton's, so the flow document (lib/flow/document.ts) and every kind can use it.
 */
import { z } from "zod";

export const PROFILE_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const profileId = z
  .string()
  // An empty id is a profile not chosen yet: one message, not also the pattern's.
  .min(1, { message: "choose a profile", abort: true })
  .regex(PROFILE_ID_PATTERN, "must be a profile id (lowercase letters, digits, . _ -)");

/**
 * Backend settings a node sets over its profile's config (e.g. demo's failTimes, acp's mode):
 * only what the profile's backend allows (lib/agents/node-options.ts), checked by validate.ts.
 */
export const agentOptions = z.record(z.string(), z.unknown());

export const modelName = z.string().max(200);
export const promptText = z.string().max(200_000);
export const timeoutSec = z.number().int().min(1).max(24 * 3600);
export const retries = z.number().int().min(0).max(10);
/** argv, never a shell string: ["npm", "test"]. */
export const argv = z.array(z.string().max(10_000)).max(200);

/** A node's attempts: its timeout (else its profile's, for agents) and its retries. */
export const runSettingsFields = {
  timeoutSec: timeoutSec.optional(),
  retries: retries.optional(),
};

export const WORKSPACE_MODES = ["code", "none"] as const;
export const workspaceModeSchema = z.enum(WORKSPACE_MODES);

/** A required text field the editor may hold empty ("" is a problem shown under the field). */
export const nonEmpty = (text: string | undefined) => (text ?? "").trim().length > 0;
