/**
 * arena: one prompt, 2–5 contestants in parallel from the same start commit, a winner picked.
 *
 * Steps: one per contestant ("<node>#<i>", depending on the arena's upstream nodes) plus a
 * select step keyed by the node id that depends on every contestant. Downstream nodes depend
 * on the node id, i.e. on the select step, and so see the winner.
 */
import { z } from "zod";
import {
  agentTaskFields,
  agentTaskOf,
  agentTaskRerunChanges,
  defineKind,
  jsonText,
  profileTag,
  stepBaseFields,
  timeoutMsOf,
  withOptions,
  type ConfigIssue,
  type JsonConfig,
  type PlannedStepOf,
  type RerunChanges,
  type RerunStepView,
  type RunStepView,
} from "../define";
import { agentOptions, argv, modelName, nonEmpty, profileId, promptText, runSettingsFields, workspaceModeSchema } from "../fields";

export const MIN_CONTESTANTS = 2;
export const MAX_CONTESTANTS = 5;

export const contestantSchema = z.object({
  profile: profileId,
  model: modelName.optional(),
  options: agentOptions.optional(),
});
export type Contestant = z.infer<typeof contestantSchema>;

export const SELECT_MODES = ["first", "check", "judge", "manual"] as const;
export type SelectMode = (typeof SELECT_MODES)[number];

export const selectSchema = z.object({
  mode: z.enum(SELECT_MODES),
  /** mode "check": argv run in each contestant's worktree; exit 0 passes. */
  command: argv.optional(),
  /** mode "judge": the judging agent. */
  profile: profileId.optional(),
  model: modelName.optional(),
  /** mode "judge": extra instructions for the judge. */
  prompt: promptText.optional(),
});
export type SelectConfig = z.infer<typeof selectSchema>;

export const arenaConfigSchema = z.object({
  prompt: promptText,
  contestants: z.array(contestantSchema).max(20),
  select: selectSchema,
  ...runSettingsFields,
  workspace: workspaceModeSchema.optional(),
});
export type ArenaConfig = z.infer<typeof arenaConfigSchema>;

/**
 * A select step's rule: the node's select config as planned (the executor checks that a
 * mode has what it needs — a flow that skipped validation can reach it).
 */
export const selectSpecSchema = z.object({
  mode: z.enum(SELECT_MODES),
  command: z.array(z.string()).optional(),
  profile: z.string().optional(),
  model: z.string().optional(),
  prompt: z.string().optional(),
});
export type SelectSpec = z.output<typeof selectSpecSchema>;

export const contestantStepSchema = z.object({
  kind: z.literal("arena"),
  role: z.literal("contestant"),
  ...stepBaseFields,
  ...agentTaskFields,
  contestantIndex: z.number().int(),
});
export type ContestantStep = z.output<typeof contestantStepSchema>;

export const selectStepSchema = z.object({
  kind: z.literal("arena"),
  role: z.literal("select"),
  ...stepBaseFields,
  select: selectSpecSchema,
  /** mode "judge": the judge's profile again, where readers of any step's profile look. */
  profile: z.string().optional(),
});
export type SelectStep = z.output<typeof selectStepSchema>;

export const arenaStepSchema = z.discriminatedUnion("role", [contestantStepSchema, selectStepSchema]);
export type ArenaStep = z.output<typeof arenaStepSchema>;

export function contestantKey(nodeId: string, index: number): string {
  return `${nodeId}#${index}`;
}

/** The contestant index in a contestant's key (-1: not a contestant key). */
const contestantIndexOf = (key: string): number => Number(key.split("#")[1] ?? -1);

/** The contestants' profiles and the judge's, from their steps (a re-run may have changed each). */
function arenaRunConfig(config: JsonConfig, steps: readonly RunStepView[]): JsonConfig | undefined {
  let changed = false;
  const contestants = Array.isArray(config.contestants) ? [...(config.contestants as JsonConfig[])] : [];
  for (const step of steps.filter((s) => s.role === "contestant")) {
    const index = contestantIndexOf(step.key);
    const profile = jsonText(step.spec.profile);
    if (!contestants[index] || profile === undefined || contestants[index].profile === profile) continue;
    contestants[index] = { ...contestants[index], profile };
    changed = true;
  }
  const out: JsonConfig = { ...config, contestants };
  const select = steps.find((s) => s.role === "select")?.spec.select as JsonConfig | undefined;
  const docSelect = (config.select ?? {}) as JsonConfig;
  if (select && jsonText(select.profile) !== undefined && docSelect.profile !== select.profile) {
    out.select = { ...docSelect, profile: select.profile };
    changed = true;
  }
  return changed ? out : undefined;
}

/**
 * A contestant's prompt and profile; a select step's judge (its profile and instructions) when
 * it judges — first, check and manual selects run no agent.
 */
function arenaRerunChanges(step: RerunStepView): RerunChanges | null {
  if (step.role !== "select") return agentTaskRerunChanges(step);
  const select = (step.spec.select ?? {}) as JsonConfig;
  const profile = jsonText(step.spec.profile) ?? jsonText(select.profile);
  return select.mode === "judge" && profile ? { prompt: jsonText(select.prompt) ?? "", profile } : null;
}

export const arenaKind = defineKind({
  kind: "arena",
  label: "Arena",
  summary: "One prompt, 2–5 agents in parallel, a winner picked",
  schema: arenaConfigSchema,
  defaults: (): ArenaConfig => ({
    prompt: "{{inputs.task}}",
    contestants: [{ profile: "demo" }, { profile: "demo" }],
    select: { mode: "first" },
    workspace: "code",
  }),
  templates: (c) => [
    { path: "prompt", text: c.prompt },
    ...(c.select.mode === "judge" && c.select.prompt ? [{ path: "select.prompt", text: c.select.prompt }] : []),
  ],
  profiles: (c) => [
    ...c.contestants.map((contestant, i) => ({
      path: `contestants[${i}].profile`,
      id: contestant.profile,
      ...withOptions(`contestants[${i}].options`, contestant.options),
    })),
    ...(c.select.mode === "judge" && c.select.profile ? [{ path: "select.profile", id: c.select.profile }] : []),
  ],
  rules: (c) => {
    const issues: ConfigIssue[] = [];
    if (!nonEmpty(c.prompt)) issues.push({ path: "prompt", message: "prompt must not be empty" });
    if (c.contestants.length < MIN_CONTESTANTS || c.contestants.length > MAX_CONTESTANTS) {
      issues.push({
        path: "contestants",
        message: `an arena needs ${MIN_CONTESTANTS} to ${MAX_CONTESTANTS} contestants (has ${c.contestants.length})`,
      });
    }
    if (c.select.mode === "check" && !(c.select.command && c.select.command.length > 0 && nonEmpty(c.select.command[0]))) {
      issues.push({ path: "select.command", message: "select mode \"check\" needs a command" });
    }
    if (c.select.mode === "judge" && !c.select.profile) {
      issues.push({ path: "select.profile", message: "select mode \"judge\" needs a judge profile" });
    }
    return issues;
  },
  needsInput: false,
  referenceFields: ["contestants"],
  runConfig: arenaRunConfig,
  answeredByPerson: false,
  rerunChanges: arenaRerunChanges,
  stepSchema: arenaStepSchema,
  plan: ({ id, config: c }, upstream) => {
    const retries = c.retries ?? 0;
    const contestants: Array<PlannedStepOf<ContestantStep>> = c.contestants.map((contestant, i) => ({
      key: contestantKey(id, i),
      nodeId: id,
      kind: "arena",
      role: "contestant",
      dependsOn: upstream,
      spec: {
        kind: "arena",
        role: "contestant",
        nodeId: id,
        ...agentTaskOf(contestant, c.prompt),
        workspace: c.workspace ?? "code",
        contestantIndex: i,
        upstream,
        retries,
      },
      maxAttempts: retries + 1,
      timeoutMs: timeoutMsOf(c.timeoutSec),
      requiredTags: [profileTag(contestant.profile)],
    }));
    const select = { ...c.select };
    const judge = select.mode === "judge" ? select.profile : undefined;
    const selectStep: PlannedStepOf<SelectStep> = {
      key: id,
      nodeId: id,
      kind: "arena",
      role: "select",
      dependsOn: contestants.map((s) => s.key),
      spec: { kind: "arena", role: "select", nodeId: id, select, ...(judge ? { profile: judge } : {}), workspace: "none", upstream, retries },
      maxAttempts: retries + 1,
      // A judge is an agent run, so the node's timeout applies to it; first/manual are instant.
      timeoutMs: select.mode === "judge" || select.mode === "check" ? timeoutMsOf(c.timeoutSec) : null,
      requiredTags: judge ? [profileTag(judge)] : [],
    };
    return [...contestants, selectStep];
  },
});
