/** check: runs an argv command in the upstream step's worktree; its exit code passes or fails. */
import { z } from "zod";
import { defineKind, nodeStep, nodeStepRunConfig, nodeStepSchema, noRerunChanges } from "../define";
import { argv, nonEmpty, runSettingsFields } from "../fields";

export const checkConfigSchema = z.object({
  /** argv, never a shell string: ["npm", "test"]. */
  command: argv,
  ...runSettingsFields,
});
export type CheckConfig = z.infer<typeof checkConfigSchema>;

export const checkStepSchema = nodeStepSchema("check", { command: z.array(z.string()) });
export type CheckStep = z.output<typeof checkStepSchema>;

export const checkKind = defineKind({
  kind: "check",
  label: "Check",
  summary: "Runs a command; its exit code passes or fails the run",
  schema: checkConfigSchema,
  defaults: () => ({ command: ["npm", "test"] }),
  templates: () => [],
  profiles: () => [],
  rules: (c) =>
    c.command.length > 0 && nonEmpty(c.command[0]) ? [] : [{ path: "command", message: "command must not be empty" }],
  needsInput: false,
  referenceFields: [],
  runConfig: nodeStepRunConfig,
  answeredByPerson: false,
  rerunChanges: noRerunChanges,
  stepSchema: checkStepSchema,
  plan: ({ id, config: c }, upstream) => [
    nodeStep({ kind: "check", role: "node", nodeId: id, command: c.command, workspace: "code", upstream, retries: c.retries ?? 0 }, c.timeoutSec),
  ],
});
