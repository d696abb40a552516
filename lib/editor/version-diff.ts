/**
 * What changed between two saved versions of a flow. Pure.
 *
 * Nodes are matched by id (a renamed node is one removed and one added), edges by their ends,
 * inputs by name. A node's changes are listed per field path below it ("config.prompt",
 * "config.contestants[1].profile", "label"); a list of plain values (a check's argv) is one
 * field. A move is not a change of what runs: a node that only moved is marked `moved` and
 * listed apart from the edits.
 */
import type { FlowDocument, FlowEdge, FlowNode } from "../flow/document";

export interface FieldChange {
  path: string;
  /** undefined: the field was not set on that side. */
  before: unknown;
  after: unknown;
}

export interface NodeChange {
  id: string;
  kind: FlowNode["kind"];
  changes: FieldChange[];
  moved: boolean;
}

export interface FlowDiff {
  /** Name, description and inputs ("inputs.task.required"). */
  flow: FieldChange[];
  nodesAdded: FlowNode[];
  nodesRemoved: FlowNode[];
  /** Nodes on both sides with edits, or only a move. */
  nodesChanged: NodeChange[];
  edgesAdded: FlowEdge[];
  edgesRemoved: FlowEdge[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isPlainList = (v: unknown[]) => v.every((item) => !isRecord(item) && !Array.isArray(item));

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Every leaf field that differs between `a` and `b`, by path below `path`. */
export function fieldChanges(a: unknown, b: unknown, path = ""): FieldChange[] {
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => fieldChanges(a[k], b[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && !(isPlainList(a) && isPlainList(b))) {
    const out: FieldChange[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...fieldChanges(a[i], b[i], `${path}[${i}]`));
    return out;
  }
  return sameValue(a, b) ? [] : [{ path, before: a, after: b }];
}

const edgeKey = (e: FlowEdge) => `${e.from}->${e.to}`;

function flowFields(doc: FlowDocument): Record<string, unknown> {
  return {
    name: doc.name,
    description: doc.description,
    inputs: Object.fromEntries(doc.inputs.map(({ name, ...rest }) => [name, rest])),
  };
}

/** What changed from `before` to `after`. */
export function diffFlows(before: FlowDocument, after: FlowDocument): FlowDiff {
  const oldNodes = new Map(before.nodes.map((n) => [n.id, n]));
  const newNodes = new Map(after.nodes.map((n) => [n.id, n]));
  const nodesChanged: NodeChange[] = [];
  for (const node of after.nodes) {
    const old = oldNodes.get(node.id);
    if (!old) continue;
    const { position: p0, id: _a, ...rest0 } = old;
    const { position: p1, id: _b, ...rest1 } = node;
    const changes = fieldChanges(rest0, rest1);
    const moved = !sameValue(p0 ?? null, p1 ?? null);
    if (changes.length > 0 || moved) nodesChanged.push({ id: node.id, kind: node.kind, changes, moved });
  }
  const oldEdges = new Set(before.edges.map(edgeKey));
  const newEdges = new Set(after.edges.map(edgeKey));
  return {
    flow: fieldChanges(flowFields(before), flowFields(after)),
    nodesAdded: after.nodes.filter((n) => !oldNodes.has(n.id)),
    nodesRemoved: before.nodes.filter((n) => !newNodes.has(n.id)),
    nodesChanged,
    edgesAdded: after.edges.filter((e) => !oldEdges.has(edgeKey(e))),
    edgesRemoved: before.edges.filter((e) => !newEdges.has(edgeKey(e))),
  };
}

/** Nothing but moves changed (or nothing at all). */
export function onlyMoves(diff: FlowDiff): boolean {
  return (
    diff.flow.length === 0 &&
    diff.nodesAdded.length === 0 &&
    diff.nodesRemoved.length === 0 &&
    diff.edgesAdded.length === 0 &&
    diff.edgesRemoved.length === 0 &&
    diff.nodesChanged.every((n) => n.changes.length === 0)
  );
}
