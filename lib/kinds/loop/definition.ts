/**
 * The fix loop, a node kind: an agent works on the task in its own worktree; then a check
 * (argv, no shell) runs there; while it fails, the SAME agent — same session, so it remembers
 * what it tried — gets the check's output (its tail) and works again, up to `maxRounds`
 * rounds. The step succeeds on the first green check and fails after `maxRounds` red ones
 * with the last check output as its error.
 *
 * Pure (lib/kinds/define.ts says what each part of a definition means): the config schema,
 * defaults and rules the editor and the validator read, and how a loop node plans into one
 * step — with no step timeout, since each round has its own. What a round does is
 * executor.ts (server only); how rounds are recorded and read back is rounds.ts.
 *
 *   { "id": "fix", "kind": "loop", "config": { "profile": "demo",
 *     "prompt": "Make the tests pass: {{inputs.task}}",
 *     "check": { "command": ["npm", "test"] }, "maxRounds": 3 } }
 */
import { z } from "zod";
import { agentTaskOf, agentTaskRerunChanges, defineKind, nodeStep, nodeStepRunConfig, nodeStepSchema, withOptions, type ConfigIssue } from "../define";
import { agentOptions, argv, modelName, nonEmpty, profileId, promptText, retries, timeoutSec } from "../fields";

export const MAX_ROUNDS_LIMIT = 20;
/** Rounds when the node doesn't say. */
export const DEFAULT_MAX_ROUNDS = 3;

export const loopConfigSchema = z.object({
  profile: profileId,
  model: modelName.optional(),
  /** The task; the first round's prompt (templates: {{inputs.x}}, {{steps.y.output}}…). */
  prompt: promptText,
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

function loopDefaults(): LoopConfig {
  return { profile: "demo", prompt: "Make the tests pass: {{inputs.task}}", check: { command: ["npm", "test"] }, maxRounds: DEFAULT_MAX_ROUNDS };
}

/** What the schema can't say: the prompt and the check's program must be there. */
function loopRules(config: LoopConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!nonEmpty(config.prompt)) issues.push({ path: "prompt", message: "prompt must not be empty" });
  if (!(config.check.command.length > 0 && nonEmpty(config.check.command[0]))) {
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

function loopStepOf(config: LoopConfig): LoopStep {
  return {
    command: config.check.command,
    maxRounds: config.maxRounds ?? DEFAULT_MAX_ROUNDS,
    roundTimeoutMs: config.roundTimeoutSec === undefined ? null : config.roundTimeoutSec * 1000,
  };
}

/** A loop step's spec: one agent task (profile, prompt, options) and its loop. */
export const loopStepSpecSchema = nodeStepSchema("loop", {
  profile: z.string(),
  model: z.string().optional(),
  /** The task: the first round's prompt template. */
  prompt: z.string(),
  options: agentOptions.default({}),
  loop: loopStepSchema,
});
export type LoopStepSpec = z.output<typeof loopStepSpecSchema>;

export const loopKind = defineKind({
  kind: "loop",
  label: "Fix loop",
  summary: "An agent works, a check runs; while it fails the same agent session tries again, up to N rounds",
  schema: loopConfigSchema,
  defaults: loopDefaults,
  templates: (c) => [{ path: "prompt", text: c.prompt }],
  profiles: (c) => [{ path: "profile", id: c.profile, ...withOptions("options", c.options) }],
  rules: loopRules,
  needsInput: false,
  referenceFields: [],
  runConfig: nodeStepRunConfig,
  answeredByPerson: false,
  rerunChanges: agentTaskRerunChanges,
  stepSchema: loopStepSpecSchema,
  plan: ({ id, config: c }, upstream) => [
    // No step timeout: each round has its own (spec.loop.roundTimeoutMs).
    nodeStep(
      {
        kind: "loop",
        role: "node",
        nodeId: id,
        ...agentTaskOf(c, c.prompt),
        loop: loopStepOf(c),
        workspace: "code",
        upstream,
        retries: c.retries ?? 0,
      },
      undefined,
      c.profile,
    ),
  ],
});
