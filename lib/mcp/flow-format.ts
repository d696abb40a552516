/**
 * describe_flow_format: what a conductor model needs to write a flow document that saves —
 * the document's shape, every node kind with its config fields, the template reference
 * syntax, the graph rules and the agent profiles it can use.
 *
 * Generated, never hand-written: the document and config shapes come from the zod schemas
 * the validator itself uses (z.toJSONSchema), the kinds from their definitions (lib/kinds), the
 * reference syntax from the template parser's fields, the profiles from the database. So a
 * new kind or config field shows up here the moment it exists (format test pins this).
 * Pure: the caller loads the profiles.
 */
import { z } from "zod";
import { AGENT_BACKENDS } from "../db/schema";
import { INPUT_NAME_PATTERN, NODE_ID_PATTERN, rawFlowSchema, type FlowDocument } from "../flow/document";
import { EXAMPLE_FLOW } from "../flow/example";
import { KINDS, NODE_KINDS, kindsOffering, type NodeKind } from "../kinds";
import { EVERY_STEP_FIELDS, type StepField } from "../flow/template";

type JsonSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  default?: unknown;
};

export interface ProfileSummary {
  id: string;
  label: string;
  backend: string;
  enabled: boolean;
  /** From an installed-level check (nothing started): true, false, or null when it could not be checked. */
  available: boolean | null;
  reason?: string;
  model: string | null;
  /** The `options` keys a node may set when it runs on this profile. */
  nodeOptions: string[];
}

export interface NodeKindFormat {
  kind: NodeKind;
  label: string;
  summary: string;
  /** Needs at least one incoming edge. */
  needsInput: boolean;
  config: JsonSchema;
}

export interface FlowFormat {
  document: JsonSchema;
  nodeKinds: NodeKindFormat[];
  templates: { syntax: string[]; stepFields: Record<StepField, string> };
  rules: string[];
  profiles: ProfileSummary[];
  example: FlowDocument;
}

/** What each kind of backend is good for: the part of "which profile?" a label doesn't say. */
export const BACKEND_SUMMARIES: Record<(typeof AGENT_BACKENDS)[number], string> = {
  acp: "a coding agent (Claude Code, Gemini CLI, opencode, qwen-code, Codex…): reads and edits files in its step's git worktree, best for code changes and reviews",
  openai: "a chat model behind an OpenAI-compatible endpoint: text in, text out, no file access — plans, summaries, judging",
  command: "a program Baton runs with the prompt: whatever that program does",
  demo: "Baton's offline demo agent: deterministic canned answers, for trying flows out",
};

/** What a step reference yields: kept beside the parser's own field list (typed, so a new field needs a line). */
const STEP_FIELD_MEANINGS: Record<StepField, string> = {
  output: "the step's final text output",
  diff: "the unified diff of the step's code changes",
  contestants: "the contestants' outputs, one after another",
};

/** Each meaning, with the kinds that offer the field when not every step has it (their `referenceFields`). */
function stepFieldMeanings(): Record<StepField, string> {
  const everyStep: readonly StepField[] = EVERY_STEP_FIELDS;
  const entries = Object.entries(STEP_FIELD_MEANINGS) as Array<[StepField, string]>;
  return Object.fromEntries(
    entries.map(([field, meaning]) => [field, everyStep.includes(field) ? meaning : `${meaning} (only when the node is ${kindsOffering(field)})`]),
  ) as Record<StepField, string>;
}

const toSchema = (schema: z.ZodType): JsonSchema => {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema & { $schema?: string };
  delete json.$schema;
  return json;
};

export function flowFormat(profiles: ProfileSummary[]): FlowFormat {
  const nodeKinds = KINDS.map(
    (definition): NodeKindFormat => ({
      kind: definition.kind,
      label: definition.label,
      summary: definition.summary,
      needsInput: definition.needsInput,
      config: toSchema(definition.schema),
    }),
  );
  const needsInput = nodeKinds.filter((kind) => kind.needsInput).map((kind) => kind.kind);
  return {
    document: toSchema(rawFlowSchema),
    nodeKinds,
    templates: {
      syntax: ["{{inputs.<name>}} — a flow input's value", "{{steps.<nodeId>.<field>}} — an upstream step's result"],
      stepFields: stepFieldMeanings(),
    },
    rules: [
      `node ids match ${NODE_ID_PATTERN.source} and are unique; input names match ${INPUT_NAME_PATTERN.source} and are unique`,
      `kind is one of: ${NODE_KINDS.join(", ")}; config must match that kind's config schema`,
      "edges {from, to} name existing node ids; no duplicates, no self-loops, no cycles (the graph is a DAG); a node runs after all nodes with an edge into it",
      "a {{steps.<nodeId>.…}} reference must name a node upstream of (reachable backwards through edges from) the node that uses it",
      "an {{inputs.<name>}} reference must name a declared input",
      ...(needsInput.length > 0 ? [`${needsInput.join(", ")} nodes need at least one incoming edge`] : []),
      "profile fields name an existing agent profile (see profiles); options may set only the keys that profile's backend allows (nodeOptions)",
      "position {x, y} is optional (the designer lays out nodes without one)",
    ],
    profiles,
    example: EXAMPLE_FLOW,
  };
}

// ---- Text rendering: the same content, for clients that only read a tool's text. ----

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" | ");
  if (schema.type === "array") return `array of ${schema.items ? typeOf(schema.items) : "any"}`;
  if (schema.type === "object" && !schema.properties) return "object";
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  return schema.type ?? "any";
}

function constraintsOf(schema: JsonSchema): string[] {
  const out: string[] = [];
  if (schema.pattern) out.push(`pattern ${schema.pattern}`);
  if (schema.minimum !== undefined) out.push(`min ${schema.minimum}`);
  if (schema.maximum !== undefined) out.push(`max ${schema.maximum}`);
  if (schema.minLength !== undefined) out.push(`min length ${schema.minLength}`);
  if (schema.maxLength !== undefined) out.push(`max length ${schema.maxLength}`);
  if (schema.minItems !== undefined) out.push(`min ${schema.minItems} items`);
  if (schema.maxItems !== undefined) out.push(`max ${schema.maxItems} items`);
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  return out;
}

/** One line per field, nested objects (and arrays of objects) indented below their field. */
export function fieldLines(schema: JsonSchema, indent = ""): string[] {
  const lines: string[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const nested = field.type === "array" && field.items?.properties ? field.items : field.properties ? field : null;
    const notes = [required.has(name) ? "required" : "optional", ...constraintsOf(field)];
    lines.push(`${indent}- ${name}: ${nested && nested === field ? "object" : typeOf(field)} (${notes.join(", ")})${field.description ? ` — ${field.description}` : ""}`);
    if (nested) lines.push(...fieldLines(nested, `${indent}  `));
  }
  return lines;
}

function profileLine(profile: ProfileSummary): string {
  const availability = !profile.enabled ? "disabled" : profile.available === true ? "available" : profile.available === false ? `NOT available${profile.reason ? ` (${profile.reason})` : ""}` : "availability unknown";
  const summary = BACKEND_SUMMARIES[profile.backend as keyof typeof BACKEND_SUMMARIES] ?? profile.backend;
  return `- ${profile.id}: ${profile.label || profile.id} — backend ${profile.backend}: ${summary}; ${availability}${profile.model ? `; model ${profile.model}` : ""}; node options: ${profile.nodeOptions.length > 0 ? profile.nodeOptions.join(", ") : "none"}`;
}

export function flowFormatText(format: FlowFormat): string {
  const sections = [
    "# Baton flow document",
    "A flow is one JSON document; validate_flow checks it exactly as saving does, create_flow saves it, run_flow runs it.",
    "",
    "## Document",
    ...fieldLines(format.document),
    "",
    "## Node kinds (node.config by kind)",
  ];
  for (const kind of format.nodeKinds) {
    sections.push(`### ${kind.kind} — ${kind.label}: ${kind.summary}${kind.needsInput ? " (needs an incoming edge)" : ""}`);
    sections.push(...fieldLines(kind.config));
  }
  sections.push("", "## Template references (in prompts)");
  sections.push(...format.templates.syntax.map((line) => `- ${line}`));
  sections.push(...Object.entries(format.templates.stepFields).map(([field, meaning]) => `  - ${field}: ${meaning}`));
  sections.push("", "## Rules", ...format.rules.map((rule) => `- ${rule}`));
  sections.push("", "## Agent profiles", ...(format.profiles.length > 0 ? format.profiles.map(profileLine) : ["(none configured)"]));
  sections.push("", "## Example", JSON.stringify(format.example));
  return sections.join("\n");
}
