/**
 * Document → canvas mapping. Pure, with structural sharing: a canvas node object is reused
 * when its document node, its issues, its selection, size and drag state are all unchanged,
 * so React Flow and the memoized node views re-render only the nodes that changed; and the
 * previous array itself is returned when no element changed.
 */
import type { FlowDocument, FlowEdge } from "../flow/document";
import type { ValidationIssue } from "../flow/validate";
import type { CanvasEdge, CanvasNode, CanvasUiState } from "./types";

const NO_ISSUES: readonly ValidationIssue[] = Object.freeze([]);
const ORIGIN = Object.freeze({ x: 0, y: 0 });

/** The UI state of a canvas nobody edits (previews, the run page). */
export const READ_ONLY_UI: CanvasUiState = Object.freeze({
  selectedNodes: new Set<string>(),
  selectedEdges: new Set<string>(),
  measured: new Map(),
});

export function edgeId(edge: FlowEdge): string {
  // Node ids never contain ">" (NODE_ID_PATTERN), so this key is unambiguous.
  return `${edge.from}->${edge.to}`;
}

function sameIssues(a: readonly ValidationIssue[], b: readonly ValidationIssue[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((issue, i) => issue.path === b[i].path && issue.message === b[i].message);
}

/**
 * Groups issues by node and reuses the previous array for a node whose issues did not
 * change, so the node's data keeps its identity across re-validation.
 */
export function stableIssuesByNode(
  issues: readonly ValidationIssue[],
  previous: ReadonlyMap<string, readonly ValidationIssue[]> = new Map(),
): Map<string, readonly ValidationIssue[]> {
  const grouped = new Map<string, ValidationIssue[]>();
  for (const issue of issues) {
    if (!issue.nodeId) continue;
    const list = grouped.get(issue.nodeId);
    if (list) list.push(issue);
    else grouped.set(issue.nodeId, [issue]);
  }
  const out = new Map<string, readonly ValidationIssue[]>();
  for (const [id, list] of grouped) {
    const before = previous.get(id);
    out.set(id, before && sameIssues(before, list) ? before : list);
  }
  return out;
}

/** One document node's canvas node: `prev` itself when nothing it shows changed. */
function toCanvasNode(
  node: FlowDocument["nodes"][number],
  issuesByNode: ReadonlyMap<string, readonly ValidationIssue[]>,
  ui: CanvasUiState,
  prev: CanvasNode | undefined,
): CanvasNode {
  const issues = issuesByNode.get(node.id) ?? NO_ISSUES;
  const selected = ui.selectedNodes.has(node.id);
  const dragPosition = ui.dragPositions?.get(node.id);
  const position = dragPosition ?? node.position ?? ORIGIN;
  const dragging = dragPosition !== undefined;
  const measured = ui.measured.get(node.id);
  if (
    prev &&
    prev.data.node === node &&
    prev.data.issues === issues &&
    prev.position === position &&
    prev.selected === selected &&
    prev.dragging === dragging &&
    prev.measured === measured
  ) {
    return prev;
  }
  // The data object is kept while what it holds is (a drag frame changes only the position):
  // memoized cards compare it by identity.
  const data = prev && prev.data.node === node && prev.data.issues === issues ? prev.data : { node, issues };
  const canvasNode: CanvasNode = { id: node.id, type: node.kind, position, data, selected, dragging };
  if (measured) canvasNode.measured = measured;
  return canvasNode;
}

/** `next`, or `previous` itself when it holds the same objects (consumers compare arrays by identity). */
function sameOrNext<T>(previous: readonly T[], next: T[]): T[] {
  if (previous.length !== next.length) return next;
  for (let i = 0; i < next.length; i++) if (next[i] !== previous[i]) return next;
  return previous as T[];
}

export function toCanvasNodes(
  doc: FlowDocument,
  issuesByNode: ReadonlyMap<string, readonly ValidationIssue[]>,
  ui: CanvasUiState,
  previous: readonly CanvasNode[] = [],
): CanvasNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  return sameOrNext(
    previous,
    doc.nodes.map((node) => toCanvasNode(node, issuesByNode, ui, before.get(node.id))),
  );
}

/**
 * The canvas nodes after a change that concerns only the nodes `ids` (a drag frame): those
 * are recomputed, every other node object and the order are kept, without walking the
 * document. `previous` must be the canvas view of `doc` (same order).
 */
export function toCanvasNodesOf(
  ids: Iterable<string>,
  doc: FlowDocument,
  issuesByNode: ReadonlyMap<string, readonly ValidationIssue[]>,
  ui: CanvasUiState,
  previous: readonly CanvasNode[],
): CanvasNode[] {
  let next: CanvasNode[] | null = null;
  for (const id of ids) {
    const index = previous.findIndex((n) => n.id === id);
    const node = doc.nodes[index];
    if (index < 0 || node?.id !== id) return toCanvasNodes(doc, issuesByNode, ui, previous);
    const updated = toCanvasNode(node, issuesByNode, ui, previous[index]);
    if (updated === previous[index]) continue;
    next ??= previous.slice();
    next[index] = updated;
  }
  return next ?? (previous as CanvasNode[]);
}

const NO_EDGES: ReadonlySet<string> = new Set();

/** Ids of the edges that issues are about (a cycle's closing edge). */
export function invalidEdgeIds(issues: readonly ValidationIssue[]): ReadonlySet<string> {
  let ids: Set<string> | null = null;
  for (const issue of issues) if (issue.edge) (ids ??= new Set()).add(edgeId(issue.edge));
  return ids ?? NO_EDGES;
}

export function toCanvasEdges(
  edges: readonly FlowEdge[],
  selectedEdges: ReadonlySet<string>,
  previous: readonly CanvasEdge[] = [],
  invalidEdges: ReadonlySet<string> = NO_EDGES,
): CanvasEdge[] {
  const before = new Map(previous.map((e) => [e.id, e]));
  return sameOrNext(
    previous,
    edges.map((edge) => {
      const id = edgeId(edge);
      const selected = selectedEdges.has(id);
      const invalid = invalidEdges.has(id);
      const prev = before.get(id);
      if (prev && prev.selected === selected && (prev.data?.invalid === true) === invalid) return prev;
      return { id, source: edge.from, target: edge.to, selected, data: { from: edge.from, to: edge.to, ...(invalid ? { invalid } : {}) } };
    }),
  );
}

/** Canvas → document: node positions written back (rounded; the document keeps integers). */
export function withPositions(
  doc: FlowDocument,
  positions: ReadonlyMap<string, { x: number; y: number }>,
): FlowDocument {
  if (positions.size === 0) return doc;
  return {
    ...doc,
    nodes: doc.nodes.map((node) => {
      const p = positions.get(node.id);
      if (!p) return node;
      const position = { x: Math.round(p.x), y: Math.round(p.y) };
      if (node.position && node.position.x === position.x && node.position.y === position.y) return node;
      return { ...node, position };
    }),
  };
}
