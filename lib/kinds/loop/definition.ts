/**
 * The fix loop, a node kind: an agent works on the task in its own worktree; then a check
 * (argv, no shell) runs there; while it fails, the SAME agent — same session, so it remembers
 * what it tried — gets the check's output (its tail) and works again, up to `maxRounds`
 * rounds. The step succeeds on the first green check and fails after `maxRounds` red ones
 * with the last check output as its error.
 *
 * Pure: the config schema, defaults and rules the editor and the validator read, and how a
 * loop node plans into one step. What a round does is executor.ts (server only); how rounds
 * are recorded and read back is rounds.ts.
 *
 *   { "id": "fix", "kind": "loop", "config": { "profile": "demo",
 *     "prompt": "Make the tests pass: {{inputs.task}}",
 *     "check": { "command": ["npm", "test"] }, "maxRounds": 3 } }
 */
import { z } from "zod";
import { agentOptions, argv, profileId, retries, timeoutSec } from "../../flow/fields";

export const MAX_ROUNDS_LIMIT = 20;
/** Rounds when the node doesn't say. */
export const DEFAULT_MAX_ROUNDS = 3;

export const loopConfigSchema = z.object({
  profile: profileId,
  model: z.string().max(200).optional(),
  /** The task; the first round's prompt (templates: {{inputs.x}}, {{steps.y.output}}…). */
  prompt: z.string().max(200_000),
  /** Runs in the loop's worktree after every round; exit 0 ends the loop green. */
  check: z.object({ command: argv }),
  /** Default DEFAULT_MAX_ROUNDS. */
  maxRounds: z.number().int().min(1).max(MAX_ROUNDS_LIMIT).optional(),
  /** Each round's limit, for the agent's turn and for the check alike (default: the agent's timeout). */
  roundTimeoutSec: timeoutSec.optional(),
  retries: retries.optional(),
  options: agentOptions.optional(),
});
export type LoopConfig = z.infer<typeof loopConfigSchema>;

export interface LoopIssue {
  path: string;
  message: string;
}

export function loopDefaults(): LoopConfig {
  return { profile: "demo", prompt: "Make the tests pass: {{inputs.task}}", check: { command: ["npm", "test"] }, maxRounds: DEFAULT_MAX_ROUNDS };
}

/** What the schema can't say: the prompt and the check's program must be there. */
export function loopRules(config: LoopConfig): LoopIssue[] {
  const issues: LoopIssue[] = [];
  if (config.prompt.trim() === "") issues.push({ path: "prompt", message: "prompt must not be empty" });
  if (!(config.check.command.length > 0 && config.check.command[0].trim() !== "")) {
    issues.push({ path: "check.command", message: "the check needs a command (argv, e.g. npm test)" });
  }
  return issues;
}

/** The loop part of a loop step's spec (steps.spec.loop). */
export const loopStepSchema = z.object({
  command: argv,
  maxRounds: z.number().int().min(1).max(MAX_ROUNDS_LIMIT),
  /** Null: the agent's own timeout (node, profile, default) per turn, and none for the check. */
  roundTimeoutMs: z.number().int().positive().nullable(),
});
export type LoopStep = z.infer<typeof loopStepSchema>;

export function loopStepOf(config: LoopConfig): LoopStep {
  return {
    command: config.check.command,
    maxRounds: config.maxRounds ?? DEFAULT_MAX_ROUNDS,
    roundTimeoutMs: config.roundTimeoutSec === undefined ? null : config.roundTimeoutSec * 1000,
  };
}
