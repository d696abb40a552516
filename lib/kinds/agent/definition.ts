/** agent: one profile runs one prompt, in its own worktree (workspace "code") or none. */
import { z } from "zod";
import { agentTaskFields, agentTaskOf, agentTaskRerunChanges, defineKind, nodeStep, nodeStepRunConfig, nodeStepSchema, withOptions } from "../define";
import { agentOptions, modelName, nonEmpty, profileId, promptText, runSettingsFields, workspaceModeSchema } from "../fields";

export const agentConfigSchema = z.object({
  profile: profileId,
  model: modelName.optional(),
  prompt: promptText,
  ...runSettingsFields,
  workspace: workspaceModeSchema.optional(),
  options: agentOptions.optional(),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

export const agentStepSchema = nodeStepSchema("agent", agentTaskFields);
export type AgentStep = z.output<typeof agentStepSchema>;

export const agentKind = defineKind({
  kind: "agent",
  label: "Agent",
  summary: "One agent runs one prompt in its own worktree",
  schema: agentConfigSchema,
  defaults: (): AgentConfig => ({ profile: "demo", prompt: "{{inputs.task}}", workspace: "code" }),
  templates: (c) => [{ path: "prompt", text: c.prompt }],
  profiles: (c) => [{ path: "profile", id: c.profile, ...withOptions("options", c.options) }],
  rules: (c) => (nonEmpty(c.prompt) ? [] : [{ path: "prompt", message: "prompt must not be empty" }]),
  needsInput: false,
  referenceFields: [],
  runConfig: nodeStepRunConfig,
  answeredByPerson: false,
  rerunChanges: agentTaskRerunChanges,
  stepSchema: agentStepSchema,
  plan: ({ id, config: c }, upstream) => [
    nodeStep(
      {
        kind: "agent",
        role: "node",
        nodeId: id,
        ...agentTaskOf(c, c.prompt),
        workspace: c.workspace ?? "code",
        upstream,
        retries: c.retries ?? 0,
      },
      c.timeoutSec,
      c.profile,
    ),
  ],
});
