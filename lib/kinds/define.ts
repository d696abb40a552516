/**
 * What a node kind is (`defineKind`), and the pieces of a step spec kinds share. Pure: no db,
 * no React, no child processes — the editor and the engine both import this.
 *
 * A kind's definition holds everything about it that is not I/O and not a view:
 * - `schema`: its node's config (the flow document's node schema is the discriminated union
 *   of these, lib/flow/document.ts); `defaults()` for a new node;
 * - `templates` / `profiles`: the prompt-like fields whose {{…}} references must resolve,
 *   and the agent profiles (with their node options) it runs — the validator checks both;
 * - `rules`: its own checks beyond the schema, each naming a config path;
 * - `needsInput`: it needs an incoming edge;
 * - `referenceFields`: what `{{steps.<id>.<field>}}` may read of its node beyond output and diff;
 * - `runConfig`: the config a node's run steps now carry (the run graph's cards show it);
 * - `answeredByPerson`: its waiting step is approved or rejected by a person;
 * - `rerunChanges`: what "Re-run with changes…" may replace on one of its steps (null: it
 *   may not — the run page doesn't offer it and the server refuses it; `rerunChangesOf` in
 *   index.ts is the one predicate both read);
 * - `stepSchema` / `plan`: the steps a node plans into, and their spec's schema. The
 *   engine's `StepSpec` is the discriminated union (on `kind`) of every kind's step schema;
 *   a kind with several step roles (arena: contestants + a select step) makes its own
 *   schema a discriminated union on `role`.
 */
import { z } from "zod";
import type { StepRole } from "../contract/run";
import type { KindStepField } from "../flow/template";
import { WORKSPACE_MODES, agentOptions } from "./fields";

export interface ConfigIssue {
  /** Path below the node's config, e.g. "contestants" or "select.command". */
  path: string;
  message: string;
}

export interface TemplateField {
  path: string;
  text: string;
}

export interface ProfileRef {
  path: string;
  id: string;
  /** The node options this profile runs with, and their path ("contestants[1].options"). */
  options?: { path: string; value: Record<string, unknown> };
}

export const withOptions = (path: string, value: Record<string, unknown> | undefined) => (value ? { options: { path, value } } : {});

/** What every step spec has, whatever its kind. */
export interface StepSpecBase {
  kind: string;
  role: StepRole;
  nodeId: string;
  /** Direct upstream node ids in edge order (fold inputs, check working directory). */
  upstream: string[];
  retries: number;
  workspace: (typeof WORKSPACE_MODES)[number];
}

/** The zod fields of StepSpecBase other than kind and role (each kind fixes those as literals). */
export const stepBaseFields = {
  nodeId: z.string(),
  upstream: z.array(z.string()),
  retries: z.number().int().min(0),
  workspace: z.enum(WORKSPACE_MODES),
};

/** The step schema of a kind whose node plans into one step (role "node"): the base fields plus its own. */
export function nodeStepSchema<K extends string, Fields extends z.ZodRawShape>(kind: K, fields: Fields) {
  return z.object({ kind: z.literal(kind), role: z.literal("node"), ...stepBaseFields, ...fields });
}

/**
 * A review round (lib/review): the comments on the reviewed attempt's diff, rendered into
 * this attempt's prompt; the agent session to continue when the backend can load it.
 */
export const reviewSchema = z.object({
  round: z.number().int().min(1),
  reviewedAttempt: z.number().int().min(1),
  summary: z.string().optional(),
  sessionId: z.string().optional(),
  comments: z.array(z.object({ path: z.string(), line: z.number().int().optional(), body: z.string(), hunk: z.string().nullable() })),
});

/** The fields of a step that runs one agent task (lib/engine/execute-agent.ts runs it). */
export const agentTaskFields = {
  profile: z.string(),
  model: z.string().optional(),
  /** Prompt template (rendered at execution time with upstream outputs). */
  prompt: z.string(),
  /** Backend options from the node (merged over the profile's config). */
  options: agentOptions.default({}),
  review: reviewSchema.optional(),
};

/**
 * The agent-task fields of a step that runs `prompt` with one configured agent (an agent node,
 * an arena contestant, a loop): its profile, its model if set, its node options (none: {}).
 */
export function agentTaskOf(agent: { profile: string; model?: string; options?: Record<string, unknown> }, prompt: string) {
  return { profile: agent.profile, ...(agent.model ? { model: agent.model } : {}), prompt, options: agent.options ?? {} };
}

/** One planned step: a row of `steps` once the run is created (lib/engine/create-run.ts). */
export interface PlannedStepOf<S extends { kind: string; role: StepRole }> {
  key: string;
  nodeId: string;
  kind: S["kind"];
  role: S["role"];
  /** Keys of the steps this one waits for. */
  dependsOn: string[];
  spec: S;
  maxAttempts: number;
  timeoutMs: number | null;
  requiredTags: string[];
}

/**
 * The worker tag of a step that runs `profile`. Planned into requiredTags; plan() drops them
 * unless asked (workers advertise no tags unless configured, and a tag no worker has
 * strands the step).
 */
export function profileTag(profile: string): string {
  return `profile:${profile}`;
}

export const timeoutMsOf = (timeoutSec: number | undefined) => (timeoutSec === undefined ? null : timeoutSec * 1000);

/**
 * The one step of a single-step node: keyed by the node id, waiting for its upstream
 * nodes, `retries + 1` attempts, tagged with the profile it runs (if any).
 */
export function nodeStep<S extends StepSpecBase>(spec: S, timeoutSec: number | undefined, profile?: string): PlannedStepOf<S> {
  return {
    key: spec.nodeId,
    nodeId: spec.nodeId,
    kind: spec.kind,
    role: spec.role,
    dependsOn: spec.upstream,
    spec,
    maxAttempts: spec.retries + 1,
    timeoutMs: timeoutMsOf(timeoutSec),
    requiredTags: profile ? [profileTag(profile)] : [],
  };
}

/** A node's config or a step's spec as stored JSON (the run page's copy of it). */
export type JsonConfig = Record<string, unknown>;

/** One of a node's steps in a run, as `runConfig` reads it. */
export interface RunStepView {
  key: string;
  role: string;
  spec: JsonConfig;
}

export const jsonText = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** Sets `field` from the spec when the spec has it and it differs; returns whether it did. */
function adopt(config: JsonConfig, field: string, value: string | undefined): boolean {
  if (value === undefined || config[field] === value) return false;
  config[field] = value;
  return true;
}

/**
 * `runConfig` of a kind whose node plans into one step: that step's profile, model and prompt
 * (what a re-run with changes may replace) over the node's config.
 */
export function nodeStepRunConfig(config: JsonConfig, steps: readonly RunStepView[]): JsonConfig | undefined {
  const spec = steps[0]?.spec;
  if (!spec) return undefined;
  const out = { ...config };
  let changed = false;
  for (const field of ["profile", "model", "prompt"]) changed = adopt(out, field, jsonText(spec[field])) || changed;
  return changed ? out : undefined;
}

/** A stored step as `rerunChanges` reads it: its role and its spec as JSON. */
export interface RerunStepView {
  role: string;
  spec: JsonConfig;
}

/** What a re-run with changes may replace on a step: its prompt template and its profile, as they are now. */
export interface RerunChanges {
  prompt: string;
  profile: string;
}

/**
 * `rerunChanges` of a step that runs one agent task (agent, loop, arena contestant, fold
 * "agent"): its prompt and profile; null for a spec without them (a fold "concat").
 */
export function agentTaskRerunChanges(step: RerunStepView): RerunChanges | null {
  const prompt = jsonText(step.spec.prompt);
  const profile = jsonText(step.spec.profile);
  return prompt !== undefined && profile ? { prompt, profile } : null;
}

/** `rerunChanges` of a kind whose steps run no agent prompt. */
export const noRerunChanges = (): RerunChanges | null => null;

/**
 * A node kind's pure definition (see the header). `Config` is its config schema (a zod
 * object), `Step` its step spec schema (a zod object, or a discriminated union of them, with a
 * literal `kind`).
 */
export interface KindDefinition<K extends string, Config extends z.ZodObject, Step extends z.ZodType<StepSpecBase & { kind: K }>> {
  kind: K;
  /** The palette's and the card's name. */
  label: string;
  /** One line: what a node of this kind does (palette tooltip, inspector, describe_flow_format). */
  summary: string;
  schema: Config;
  defaults(): NoInfer<z.output<Config>>;
  /** Prompt-like fields whose {{…}} references must resolve. */
  templates(config: NoInfer<z.output<Config>>): TemplateField[];
  profiles(config: NoInfer<z.output<Config>>): ProfileRef[];
  rules(config: NoInfer<z.output<Config>>): ConfigIssue[];
  /** Does this node need at least one upstream node? */
  needsInput: boolean;
  /**
   * What a template may read of a node of this kind beyond the output and diff every step
   * has (`{{steps.<id>.contestants}}` of an arena): the validator refuses any other field of
   * it, and the inspector offers these.
   */
  referenceFields: readonly KindStepField[];
  /**
   * The config a node's steps in a run now carry, read back from their stored specs (a re-run
   * with changes stores another profile or prompt on its step, not in the flow version): the
   * run graph's cards show it. Undefined: the steps run what `config` says. Reads stored JSON,
   * so it trusts neither shape. Single-step kinds use `nodeStepRunConfig`.
   */
  runConfig(config: JsonConfig, steps: readonly RunStepView[]): JsonConfig | undefined;
  /**
   * Its step waits until a person approves or rejects it: the reducer accepts the approve and
   * reject events only for such steps (any other step is refused, whatever its state), and the
   * review API answers them with approve / reject / request changes.
   */
  answeredByPerson: boolean;
  /**
   * What "Re-run with changes…" (another prompt or profile) may replace on one of its steps,
   * with what the step runs now; null when the step runs no agent prompt (a check, a concat
   * fold, an approval, a select that isn't a judge). Reads the stored spec, so trusts no shape.
   * The run page offers the action only where this answers, and the server refuses it where it
   * doesn't: both call `rerunChangesOf` (index.ts).
   */
  rerunChanges(step: RerunStepView): RerunChanges | null;
  stepSchema: Step;
  /**
   * The steps of one node of a valid flow, in dependency order; `upstream` are the node's
   * direct upstream node ids in edge order. A step another node depends on is keyed by the
   * node id (downstream steps depend on node ids).
   */
  plan(node: { id: string; config: NoInfer<z.output<Config>> }, upstream: string[]): Array<PlannedStepOf<NoInfer<z.output<Step>>>>;
}

/** Checks a definition against its own schemas (the functions' parameters are typed by them). */
export function defineKind<K extends string, Config extends z.ZodObject, Step extends z.ZodType<StepSpecBase & { kind: K }>>(
  definition: KindDefinition<K, Config, Step>,
): KindDefinition<K, Config, Step> {
  return definition;
}

/**
 * A step that runs an agent in a code workspace (a node step whose spec names a profile):
 * what a review round can send changes back to. Read by the server (lib/review) and the run
 * page from the stored spec, whatever its kind.
 */
export function runsAgentInCode(step: { role: string; spec: unknown }): boolean {
  const spec = step.spec as { profile?: unknown; workspace?: unknown } | null;
  return step.role === "node" && typeof spec?.profile === "string" && spec.profile !== "" && spec.workspace === "code";
}
