/**
 * Flow validation: one pure module shared by the server (nothing invalid is ever stored)
 * and the editor (issues shown on nodes and in a list as you type).
 *
 * Every issue names a path into the document ("nodes[2].config.prompt", "edges[0].to")
 * and, when it belongs to a node, that node's id so the editor can mark it.
 */
import { z } from "zod";
import {
  FLOW_LIMITS,
  edgeSchema,
  inputSchema,
  rawFlowSchema,
  rawNodeSchema,
  type FlowDocument,
  type FlowEdge,
  type FlowInput,
  type FlowNode,
} from "./document";
import { findCycles, predecessors, reachable } from "./graph";
import { NODE_KINDS, definitionOf, isNodeKind, kindDefinition, kindsOffering, type NodeKind } from "../kinds";
import { PROFILE_ID_PATTERN } from "../kinds/fields";
import { nodeOptionIssues } from "../agents/node-options";
import { EVERY_STEP_FIELDS, parseTemplate, type StepField } from "./template";

export interface ValidationIssue {
  path: string;
  message: string;
  nodeId?: string;
  /** The drawn edge the issue is about (a cycle's closing edge), so the canvas can mark it. */
  edge?: FlowEdge;
}

export interface ValidationContext {
  /**
   * Known agent profiles; when omitted, profile references are not checked. A map (id →
   * backend) also checks each node's options against its profile's backend; without one,
   * options are checked against what any backend allows (lib/agents/node-options.ts).
   */
  profiles?: ReadonlySet<string> | ReadonlyMap<string, string>;
}

export type ValidationResult =
  | { ok: true; flow: FlowDocument; issues: [] }
  | { ok: false; issues: ValidationIssue[] };

export function zodPath(base: string, path: ReadonlyArray<PropertyKey>): string {
  let out = base;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function zodIssues(base: string, error: z.ZodError, nodeId?: string): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: zodPath(base, issue.path) || "(root)",
    message: issue.message,
    ...(nodeId ? { nodeId } : {}),
  }));
}

/** How many cycles are reported; each is found by its own back edge. */
const MAX_CYCLES_REPORTED = 20;

/**
 * The document's outline: every element is parsed on its own below, so one bad node, edge or
 * an empty name never hides the problems of the rest.
 */
const outlineSchema = z.object({
  name: z.unknown(),
  description: z.unknown().optional(),
  inputs: z.array(z.unknown()).max(FLOW_LIMITS.inputs).default([]),
  nodes: z.array(z.unknown()).max(FLOW_LIMITS.nodes),
  edges: z.array(z.unknown()).max(FLOW_LIMITS.edges).default([]),
});

/**
 * Zod issue codes that reject a value but not its shape (an empty string where a profile id
 * belongs, a number out of range): a config with only these still has the fields its kind's
 * rules and its inspector form read.
 */
const VALUE_ONLY_CODES = new Set(["too_small", "too_big", "invalid_format", "not_multiple_of", "custom"]);

/**
 * Whether `config` has its kind's shape (every field the right type), though some values may
 * be refused: the editor's form can show it, and validation can run the kind's own rules on it.
 */
export function configHasShape(kind: NodeKind, config: unknown): boolean {
  const result = kindDefinition(kind).schema.safeParse(config);
  return result.success || result.error.issues.every((issue) => VALUE_ONLY_CODES.has(issue.code));
}

function parseEach<T>(items: unknown[], schema: z.ZodType<T>, base: string, issues: ValidationIssue[], nodeIdOf?: (item: unknown) => string | undefined): Array<{ value: T; index: number }> {
  const out: Array<{ value: T; index: number }> = [];
  items.forEach((item, index) => {
    const parsed = schema.safeParse(item);
    if (parsed.success) out.push({ value: parsed.data, index });
    else issues.push(...zodIssues(`${base}[${index}]`, parsed.error, nodeIdOf?.(item)));
  });
  return out;
}

const idOfRaw = (item: unknown): string | undefined => {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === "string" && id ? id : undefined;
};

export function validateFlow(input: unknown, context: ValidationContext = {}): ValidationResult {
  const outline = outlineSchema.safeParse(input);
  if (!outline.success) return { ok: false, issues: zodIssues("", outline.error) };
  const issues: ValidationIssue[] = [];
  const name = rawFlowSchema.shape.name.safeParse(outline.data.name);
  if (!name.success) issues.push(...zodIssues("name", name.error));
  const description = rawFlowSchema.shape.description.safeParse(outline.data.description);
  if (!description.success) issues.push(...zodIssues("description", description.error));
  const inputs: FlowInput[] = parseEach(outline.data.inputs, inputSchema, "inputs", issues).map((p) => p.value);
  const rawNodes = parseEach(outline.data.nodes, rawNodeSchema, "nodes", issues, idOfRaw);
  const rawEdges = parseEach(outline.data.edges, edgeSchema, "edges", issues);

  // Inputs: unique names.
  const inputNames = new Set<string>();
  inputs.forEach((input, i) => {
    if (inputNames.has(input.name)) issues.push({ path: `inputs[${i}].name`, message: `duplicate input "${input.name}"` });
    inputNames.add(input.name);
  });

  // Nodes: unique ids, known kinds, configs matching their kind. A config with its kind's
  // shape but refused values (an empty profile) still goes through the kind's rules and the
  // reference checks, so every problem of the node is listed at once.
  const nodes: FlowNode[] = [];
  const indexById = new Map<string, number>();
  for (const { value: node, index: i } of rawNodes) {
    const base = `nodes[${i}]`;
    if (indexById.has(node.id)) {
      issues.push({ path: `${base}.id`, message: `duplicate node id "${node.id}"`, nodeId: node.id });
      continue;
    }
    indexById.set(node.id, i);
    if (!isNodeKind(node.kind)) {
      issues.push({
        path: `${base}.kind`,
        message: `unknown kind "${node.kind}" (expected one of ${NODE_KINDS.join(", ")})`,
        nodeId: node.id,
      });
      continue;
    }
    const definition = kindDefinition(node.kind);
    const parsed = definition.schema.safeParse(node.config);
    let config: unknown;
    if (parsed.success) config = parsed.data;
    else {
      issues.push(...zodIssues(`${base}.config`, parsed.error, node.id));
      if (!parsed.error.issues.every((issue) => VALUE_ONLY_CODES.has(issue.code))) continue;
      config = node.config;
    }
    for (const issue of definition.rules(config)) {
      issues.push({ path: `${base}.config.${issue.path}`, message: issue.message, nodeId: node.id });
    }
    for (const ref of definition.profiles(config)) {
      // A malformed id was refused by the schema above; "unknown" would say it twice.
      if (context.profiles && PROFILE_ID_PATTERN.test(ref.id) && !context.profiles.has(ref.id)) {
        issues.push({ path: `${base}.config.${ref.path}`, message: `unknown profile "${ref.id}"`, nodeId: node.id });
      }
      if (!ref.options) continue;
      const backend = context.profiles instanceof Map ? context.profiles.get(ref.id) : undefined;
      for (const issue of nodeOptionIssues(backend, ref.options.value)) {
        issues.push({ path: `${base}.config.${ref.options.path}.${issue.path}`, message: issue.message, nodeId: node.id });
      }
    }
    nodes.push({ ...node, kind: node.kind, config } as FlowNode);
  }

  // Edges: known endpoints, no duplicates, no self-loops.
  const edgeKeys = new Set<string>();
  const edges: FlowEdge[] = [];
  const edgeIndex = new Map<string, number>();
  for (const { value: edge, index: i } of rawEdges) {
    let ok = true;
    if (!indexById.has(edge.from)) {
      issues.push({ path: `edges[${i}].from`, message: `edge from unknown node "${edge.from}"` });
      ok = false;
    }
    if (!indexById.has(edge.to)) {
      issues.push({ path: `edges[${i}].to`, message: `edge to unknown node "${edge.to}"` });
      ok = false;
    }
    const key = `${edge.from}\u0000${edge.to}`;
    if (ok && edgeKeys.has(key)) {
      issues.push({ path: `edges[${i}]`, message: `duplicate edge ${edge.from} → ${edge.to}` });
      ok = false;
    }
    edgeKeys.add(key);
    if (!ok) continue;
    edges.push(edge);
    edgeIndex.set(key, i);
  }

  // Every cycle, each named by the edge that closes it (the editor highlights that edge).
  const ids = [...indexById.keys()];
  const cycles = findCycles(ids, edges, MAX_CYCLES_REPORTED);
  for (const cycle of cycles) {
    const { from, to } = cycle.back;
    issues.push({
      path: `edges[${edgeIndex.get(`${from}\u0000${to}`)}]`,
      message: `cycle: ${cycle.path.join(" → ")}${from === to ? "" : ` (the edge ${from} → ${to} closes it)`}`,
      nodeId: cycle.path[0],
      edge: { from, to },
    });
  }

  // Template references and required inputs. Unknown names are reported even with a cycle
  // (a cycle must not hide them: every problem at once); what is upstream of what is only
  // meaningful on an acyclic graph.
  const cyclic = cycles.length > 0;
  const parents = predecessors(ids, edges);
  const kinds = new Map<string, string>();
  for (const { value: n } of rawNodes) if (!kinds.has(n.id)) kinds.set(n.id, n.kind);
  const kindOf = (id: string) => kinds.get(id);
  for (const node of nodes) {
    const i = indexById.get(node.id)!;
    const definition = kindDefinition(node.kind);
    if (!cyclic && definition.needsInput && (parents.get(node.id)?.length ?? 0) === 0) {
      issues.push({
        path: `nodes[${i}]`,
        message: `a ${node.kind} node needs at least one incoming edge`,
        nodeId: node.id,
      });
    }
    const fields = definition.templates(node.config);
    if (fields.length === 0) continue;
    const scope: ReferenceScope = { nodeId: node.id, inputNames, kindOf, upstream: cyclic ? null : reachable(parents, node.id) };
    for (const field of fields) {
      const path = `nodes[${i}].config.${field.path}`;
      for (const message of templateIssues(field.text, scope)) issues.push({ path, message, nodeId: node.id });
    }
  }

  if (issues.length > 0) return { ok: false, issues };
  const flow: FlowDocument = {
    name: name.data as string,
    ...(description.data ? { description: description.data } : {}),
    inputs,
    nodes,
    edges,
  };
  return { ok: true, flow, issues: [] };
}

/** What a template may refer to: the flow's inputs and the steps upstream of its node. */
export interface ReferenceScope {
  /** The node whose template this is. */
  nodeId: string;
  inputNames: ReadonlySet<string>;
  /** The kind of every node of the flow (undefined: no such node). */
  kindOf(nodeId: string): string | undefined;
  /** Nodes upstream of the template's node (never the node itself); null when the graph has a cycle (only names are checked). */
  upstream: ReadonlySet<string> | null;
}

/**
 * The reference rule, in one place: the flow validator checks every template field with it
 * when a flow is saved, and a re-run with an edited prompt checks the new prompt with it
 * (lib/runs/actions.ts), so a prompt can never render "(step … not available)".
 */
export function templateIssues(text: string, scope: ReferenceScope): string[] {
  const { refs, errors } = parseTemplate(text);
  const out = errors.map((error) => error.message);
  for (const ref of refs) {
    if (ref.kind === "input") {
      if (!scope.inputNames.has(ref.name)) out.push(`${ref.raw} refers to unknown input "${ref.name}"`);
      continue;
    }
    const kind = scope.kindOf(ref.nodeId);
    if (kind === undefined) {
      out.push(`${ref.raw} refers to unknown step "${ref.nodeId}"`);
    } else if (scope.upstream && !scope.upstream.has(ref.nodeId)) {
      out.push(`${ref.raw} refers to "${ref.nodeId}", which is not upstream of "${scope.nodeId}" (connect it first)`);
    } else if (!offers(kind, ref.field)) {
      out.push(`${ref.raw}: "${ref.nodeId}" is not ${kindsOffering(ref.field)}, it has no ${ref.field}`);
    }
  }
  return out;
}

/** Does a node of `kind` have `field` to read (every step's, or one its kind offers)? */
function offers(kind: string, field: StepField): boolean {
  if ((EVERY_STEP_FIELDS as readonly string[]).includes(field)) return true;
  return (definitionOf(kind)?.referenceFields as readonly string[] | undefined)?.includes(field) ?? false;
}

/** The reference scope of one node of a valid (acyclic) flow. */
export function referenceScopeOf(flow: FlowDocument, nodeId: string): ReferenceScope {
  const ids = flow.nodes.map((n) => n.id);
  const kinds = new Map(flow.nodes.map((n) => [n.id, n.kind as string]));
  return {
    nodeId,
    inputNames: new Set(flow.inputs.map((input) => input.name)),
    kindOf: (id) => kinds.get(id),
    upstream: reachable(predecessors(ids, flow.edges), nodeId),
  };
}

/** Issues grouped by node id, for the editor's node badges. */
export function issuesByNode(issues: readonly ValidationIssue[]): Map<string, ValidationIssue[]> {
  const out = new Map<string, ValidationIssue[]>();
  for (const issue of issues) {
    if (!issue.nodeId) continue;
    const list = out.get(issue.nodeId) ?? [];
    list.push(issue);
    out.set(issue.nodeId, list);
  }
  return out;
}
