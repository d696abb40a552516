/**
 * Flow validation: one pure module shared by the server (nothing invalid is ever stored)
 * and the editor (issues shown on nodes and in a list as you type).
 *
 * Every issue names a path into the document ("nodes[2].config.prompt", "edges[0].to")
 * and, when it belongs to a node, that node's id so the editor can mark it.
 */
import type { z } from "zod";
import {
  NODE_KINDS,
  isNodeKind,
  rawFlowSchema,
  type FlowDocument,
  type FlowNode,
  type RawFlow,
} from "./document";
import { findCycle, predecessors, reachable } from "./graph";
import { NODE_KIND_SPECS, type NodeKindSpec, type ProfileRef } from "./node-kinds";
import { nodeOptionIssues } from "../agents/node-options";
import { parseTemplate } from "./template";

export interface ValidationIssue {
  path: string;
  message: string;
  nodeId?: string;
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

export function validateFlow(input: unknown, context: ValidationContext = {}): ValidationResult {
  const parsed = rawFlowSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: zodIssues("", parsed.error) };
  const raw: RawFlow = parsed.data;
  const issues: ValidationIssue[] = [];

  // Inputs: unique names.
  const inputNames = new Set<string>();
  raw.inputs.forEach((input, i) => {
    if (inputNames.has(input.name)) issues.push({ path: `inputs[${i}].name`, message: `duplicate input "${input.name}"` });
    inputNames.add(input.name);
  });

  // Nodes: unique ids, known kinds, configs matching their kind.
  const nodes: FlowNode[] = [];
  const indexById = new Map<string, number>();
  raw.nodes.forEach((node, i) => {
    const base = `nodes[${i}]`;
    if (indexById.has(node.id)) {
      issues.push({ path: `${base}.id`, message: `duplicate node id "${node.id}"`, nodeId: node.id });
      return;
    }
    indexById.set(node.id, i);
    if (!isNodeKind(node.kind)) {
      issues.push({
        path: `${base}.kind`,
        message: `unknown kind "${node.kind}" (expected one of ${NODE_KINDS.join(", ")})`,
        nodeId: node.id,
      });
      return;
    }
    const spec = NODE_KIND_SPECS[node.kind] as NodeKindSpec<typeof node.kind>;
    const config = spec.schema.safeParse(node.config);
    if (!config.success) {
      issues.push(...zodIssues(`${base}.config`, config.error, node.id));
      return;
    }
    for (const issue of (spec.rules as (c: unknown) => Array<{ path: string; message: string }>)(config.data)) {
      issues.push({ path: `${base}.config.${issue.path}`, message: issue.message, nodeId: node.id });
    }
    for (const ref of (spec.profiles as (c: unknown) => ProfileRef[])(config.data)) {
      if (context.profiles && !context.profiles.has(ref.id)) {
        issues.push({ path: `${base}.config.${ref.path}`, message: `unknown profile "${ref.id}"`, nodeId: node.id });
      }
      if (!ref.options) continue;
      const backend = context.profiles instanceof Map ? context.profiles.get(ref.id) : undefined;
      for (const issue of nodeOptionIssues(backend, ref.options.value)) {
        issues.push({ path: `${base}.config.${ref.options.path}.${issue.path}`, message: issue.message, nodeId: node.id });
      }
    }
    nodes.push({ ...node, kind: node.kind, config: config.data } as FlowNode);
  });

  // Edges: known endpoints, no duplicates, no self-loops.
  const edgeKeys = new Set<string>();
  const edges = raw.edges.filter((edge, i) => {
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
    return ok;
  });

  const ids = raw.nodes.map((n) => n.id).filter((id, i, all) => all.indexOf(id) === i);
  const cycle = findCycle(ids, edges);
  if (cycle) {
    issues.push({
      path: "edges",
      message: `cycle: ${cycle.join(" → ")}`,
      nodeId: cycle[0],
    });
  }

  // Template references and required inputs. Unknown names are reported even with a cycle
  // (a model repairing a draft should see every problem at once); what is upstream of what
  // is only meaningful on an acyclic graph.
  {
    const parents = predecessors(ids, edges);
    const kinds = new Map<string, string>();
    for (const n of raw.nodes) if (!kinds.has(n.id)) kinds.set(n.id, n.kind);
    const kindOf = (id: string) => kinds.get(id);
    for (const node of nodes) {
      const i = indexById.get(node.id)!;
      const spec = NODE_KIND_SPECS[node.kind] as NodeKindSpec<typeof node.kind>;
      if (!cycle && spec.needsInput && (parents.get(node.id)?.length ?? 0) === 0) {
        issues.push({
          path: `nodes[${i}]`,
          message: `a ${node.kind} node needs at least one incoming edge`,
          nodeId: node.id,
        });
      }
      const scope: ReferenceScope = { nodeId: node.id, inputNames, kindOf, upstream: cycle ? null : reachable(parents, node.id) };
      const fields = (spec.templates as (c: unknown) => Array<{ path: string; text: string }>)(node.config);
      for (const field of fields) {
        const path = `nodes[${i}].config.${field.path}`;
        for (const message of templateIssues(field.text, scope)) issues.push({ path, message, nodeId: node.id });
      }
    }
  }

  if (issues.length > 0) return { ok: false, issues };
  const flow: FlowDocument = {
    name: raw.name,
    ...(raw.description ? { description: raw.description } : {}),
    inputs: raw.inputs,
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
    } else if (ref.field === "contestants" && kind !== "arena") {
      out.push(`${ref.raw}: "${ref.nodeId}" is not an arena, it has no contestants`);
    }
  }
  return out;
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
