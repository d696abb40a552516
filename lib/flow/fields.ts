/**
 * Config field schemas several node kinds share (a profile id, an argv, a timeout…). Pure; a
 * module of its own so that a kind's definition and the flow document can both import them.
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

export const timeoutSec = z.number().int().min(1).max(24 * 3600);
export const retries = z.number().int().min(0).max(10);

/** A command as argv, never a shell string: ["npm", "test"]. */
export const argv = z.array(z.string().max(10_000)).max(200);
