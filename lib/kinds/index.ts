/**
 * THE list of node kinds. Every registry of kinds is derived from this list:
 * - here: `NODE_KINDS`, `KIND_DEFINITIONS`, and the engine's `StepSpec` (the discriminated
 *   union, on `kind`, of every kind's step schema); the flow document's node schema
 *   (lib/flow/document.ts) is the discriminated union of every kind's config schema;
 * - lib/kinds/executors.ts (server only): the engine's executor table;
 * - lib/kinds/client.ts (browser): React Flow's `nodeTypes`, the inspector's forms, the kinds'
 *   styles, the run page's panels for waiting steps;
 * - lib/editor/palette-search.ts (the palette) and lib/mcp/flow-format.ts (describe_flow_format).
 *
 * A kind is one folder, lib/kinds/<kind>/:
 * - definition.ts — pure, shared by editor and engine: `defineKind({...})` (define.ts says what
 *   each field means): config schema and defaults, label and summary, the template fields and
 *   profiles it holds, its own rules, how a node plans into steps, and the schema of the spec
 *   those steps carry. Zod building blocks: fields.ts; step-spec pieces: define.ts.
 * - executor.ts — server only: a `KindExecutor` (executor-types.ts), how one attempt of its
 *   step runs. What steps share lives in lib/engine: an agent task in its worktree
 *   (execute-agent.ts), commands (run-command.ts), git lineage (execute-code.ts, code-workspace.ts).
 * - client.tsx — browser: a `KindClient` (client-define.ts): its colours and glyph, its card's
 *   profile line and preview, its inspector form, and optionally the run page's panel while
 *   one of its steps waits for a person.
 *
 * Adding a kind: write its folder, then add it to `KINDS` below, to `EXECUTORS`
 * (executors.ts) and to `KIND_CLIENTS` (client.ts) — one line each. The last two are typed over
 * `NodeKind`, so a kind missing from either is a type error, not a runtime gap. Steps keep the
 * roles the reducer knows (STEP_ROLES, lib/contract/run.ts): "node" for a kind's ordinary step;
 * "contestant" and "select" are the arena's.
 */
import { z } from "zod";
import { agentKind } from "./agent/definition";
import { approvalKind } from "./approval/definition";
import { arenaKind } from "./arena/definition";
import { checkKind } from "./check/definition";
import type { ConfigIssue, JsonConfig, PlannedStepOf, ProfileRef, RerunChanges, RerunStepView, RunStepView, TemplateField } from "./define";
import type { KindStepField, StepField } from "../flow/template";
import { foldKind } from "./fold/definition";
import { loopKind } from "./loop/definition";

/** The kinds, in the palette's (and the format description's) order. */
export const KINDS = [agentKind, arenaKind, foldKind, checkKind, approvalKind, loopKind] as const;

type Kinds = typeof KINDS;
type Definition = Kinds[number];
export type NodeKind = Definition["kind"];
export type KindDefinitionOf<K extends NodeKind> = Extract<Definition, { kind: K }>;

/** A node's config, by kind. */
export type ConfigOf<K extends NodeKind> = z.output<KindDefinitionOf<K>["schema"]>;
/** The spec of a step of kind K (a union when the kind has several step roles). */
export type StepSpecOf<K extends NodeKind> = z.output<KindDefinitionOf<K>["stepSchema"]>;

/** Tuple mappings of the list (generic, so that TypeScript maps a tuple to a tuple). */
type KindsOf<T extends readonly unknown[]> = { readonly [I in keyof T]: T[I] extends { kind: infer K } ? K : never };
type StepSchemasOf<T extends readonly unknown[]> = { readonly [I in keyof T]: T[I] extends { stepSchema: infer S } ? S : never };

export const NODE_KINDS = KINDS.map((k) => k.kind) as unknown as KindsOf<Kinds>;

export function isNodeKind(kind: string): kind is NodeKind {
  return (NODE_KINDS as readonly string[]).includes(kind);
}

export const KIND_DEFINITIONS = Object.fromEntries(KINDS.map((k) => [k.kind, k])) as { [K in NodeKind]: KindDefinitionOf<K> };

const stepSchemas = KINDS.map((k) => k.stepSchema) as unknown as StepSchemasOf<Kinds>;

/** What a planned step runs: immutable per attempt, stored in steps.spec and read back with this. */
export const stepSpecSchema = z.discriminatedUnion("kind", stepSchemas);
export type StepSpec = z.output<typeof stepSpecSchema>;
export type PlannedStep = PlannedStepOf<StepSpec>;

/**
 * A kind's definition as code that treats every kind alike sees it (validation, the
 * editor, the format description). Method syntax on purpose: each kind's functions take its
 * own config type, and a config reaches them only after its kind's schema accepted its shape.
 */
export interface AnyKindDefinition {
  kind: NodeKind;
  label: string;
  summary: string;
  needsInput: boolean;
  referenceFields: readonly KindStepField[];
  answeredByPerson: boolean;
  rerunChanges(step: RerunStepView): RerunChanges | null;
  runConfig(config: JsonConfig, steps: readonly RunStepView[]): JsonConfig | undefined;
  schema: z.ZodType;
  defaults(): ConfigOf<NodeKind>;
  templates(config: unknown): TemplateField[];
  profiles(config: unknown): ProfileRef[];
  rules(config: unknown): ConfigIssue[];
  plan(node: { id: string; config: unknown }, upstream: string[]): PlannedStep[];
}

export function kindDefinition(kind: NodeKind): AnyKindDefinition {
  return KIND_DEFINITIONS[kind];
}


/** The kinds whose nodes offer `field` to references, as a sentence names them ("an arena"). */
export function kindsOffering(field: StepField): string {
  const names = KINDS.filter((k) => (k.referenceFields as readonly string[]).includes(field)).map((k) => k.label.toLowerCase());
  return names.map((name) => `${/^[aeiou]/.test(name) ? "an" : "a"} ${name}`).join(" or ");
}

/** The definition of a stored step's or node's kind (a plain string); undefined: no such kind. */
export function definitionOf(kind: string): AnyKindDefinition | undefined {
  return isNodeKind(kind) ? KIND_DEFINITIONS[kind] : undefined;
}

/**
 * What "Re-run with changes…" may replace on a stored step (its prompt and profile as they
 * are now), or null: the step runs no agent prompt. THE rule: the run page offers the action
 * only where this answers, and the server (lib/runs/actions.ts) refuses a prompt or profile
 * where it doesn't.
 */
export function rerunChangesOf(step: { kind: string; role: string; spec: unknown }): RerunChanges | null {
  const spec = step.spec !== null && typeof step.spec === "object" ? (step.spec as JsonConfig) : {};
  return definitionOf(step.kind)?.rerunChanges({ role: step.role, spec }) ?? null;
}
