/**
 * fold: waits for all its inputs and combines them — "concat" joins their outputs (and merges
 * their commits), "agent" has an agent synthesise them from a prompt.
 */
import { z } from "zod";
import { agentTaskRerunChanges, defineKind, nodeStep, nodeStepRunConfig, nodeStepSchema, reviewSchema, withOptions, type ConfigIssue } from "../define";
import { agentOptions, modelName, nonEmpty, profileId, promptText, runSettingsFields } from "../fields";

export const FOLD_MODES = ["concat", "agent"] as const;

export const foldConfigSchema = z.object({
  mode: z.enum(FOLD_MODES),
  /** mode "agent": the synthesis agent and prompt. */
  profile: profileId.optional(),
  model: modelName.optional(),
  prompt: promptText.optional(),
  /** mode "concat": what goes between outputs. */
  separator: z.string().max(1000).optional(),
  ...runSettingsFields,
  options: agentOptions.optional(),
});
export type FoldConfig = z.infer<typeof foldConfigSchema>;

/**
 * One shape for both modes (as stored since folds exist): mode "agent" has `profile` and
 * `prompt` (plan sets both), mode "concat" neither.
 */
export const foldStepSchema = nodeStepSchema("fold", {
  fold: z.object({ mode: z.enum(FOLD_MODES), separator: z.string().optional() }),
  profile: z.string().optional(),
  model: z.string().optional(),
  prompt: z.string().optional(),
  options: agentOptions.default({}),
  review: reviewSchema.optional(),
});
export type FoldStep = z.output<typeof foldStepSchema>;

export const foldKind = defineKind({
  kind: "fold",
  label: "Fold",
  summary: "Waits for all inputs and combines them",
  schema: foldConfigSchema,
  defaults: (): FoldConfig => ({ mode: "concat" }),
  templates: (c) => (c.mode === "agent" ? [{ path: "prompt", text: c.prompt ?? "" }] : []),
  profiles: (c) => (c.mode === "agent" && c.profile ? [{ path: "profile", id: c.profile, ...withOptions("options", c.options) }] : []),
  rules: (c) => {
    if (c.mode !== "agent") return [];
    const issues: ConfigIssue[] = [];
    if (!c.profile) issues.push({ path: "profile", message: "fold mode \"agent\" needs a profile" });
    if (!nonEmpty(c.prompt)) issues.push({ path: "prompt", message: "prompt must not be empty" });
    return issues;
  },
  needsInput: true,
  referenceFields: [],
  runConfig: nodeStepRunConfig,
  answeredByPerson: false,
  // Mode "agent" only: a concat fold has no prompt or profile to replace.
  rerunChanges: agentTaskRerunChanges,
  stepSchema: foldStepSchema,
  plan: ({ id, config: c }, upstream) => {
    const agent = c.mode === "agent" && c.profile ? c.profile : undefined;
    return [
      nodeStep(
        {
          kind: "fold",
          role: "node",
          nodeId: id,
          fold: { mode: c.mode, ...(c.separator !== undefined ? { separator: c.separator } : {}) },
          ...(agent ? { profile: agent, prompt: c.prompt ?? "" } : {}),
          ...(c.model ? { model: c.model } : {}),
          options: c.options ?? {},
          workspace: agent ? "code" : "none",
          upstream,
          retries: c.retries ?? 0,
        },
        c.timeoutSec,
        agent,
      ),
    ];
  },
});
