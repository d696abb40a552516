/**
 * Copy, paste and duplicate of the selected nodes. Pure.
 *
 * What a paste makes, so a user can predict it:
 * - a copy of every copied node, with an id the flow doesn't have: its own id when free (a paste
 *   into another flow), else its name part with the next free number (`plan` → `plan2`,
 *   `agent3` → `agent4`);
 * - the copies offset from their originals (PASTE_STEP down and right, one more step for every
 *   earlier copy already sitting there), so they never hide under the originals;
 * - the edges between copied nodes, between their copies;
 * - the edges into a copied node from a node that was not copied, when that node is in the flow
 *   pasted into: a copy reads what its original read (a duplicated step is a sibling of it);
 * - not the edges from a copied node to a node that was not copied: the copy would become an
 *   extra input of an existing step and change what that step runs on.
 * References in the copies' prompts follow the same rule as the edges: `{{steps.X.…}}` of a
 * copied X is rewritten to X's copy (the pasted group is wired like the original); a reference to
 * a node that was not copied is kept as written — it reads the same upstream step, which the kept
 * incoming edge still connects (pasted into another flow, it shows as a problem if that flow has
 * no such step).
 */
import { z } from "zod";
import { edgeSchema, FLOW_LIMITS, rawNodeSchema, type FlowDocument, type FlowEdge, type FlowNode } from "../flow/document";
import { isNodeKind } from "../kinds";
import { withRenamedRefs } from "./document-ops";
import type { XY } from "./types";

/** What is copied: the selected nodes, and the edges into them (from copied nodes or not). */
export interface ClipboardFragment {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/** How far a copy lands from its original (down and right), in flow pixels. */
export const PASTE_STEP = 40;
/** Copies stacked on the same spot before a paste gives up looking for a free one. */
const MAX_STEPS = 50;

/** The selected nodes `ids` of `doc` and the edges into them; null when no node is selected. */
export function copySelection(doc: FlowDocument, ids: ReadonlySet<string>): ClipboardFragment | null {
  const nodes = doc.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return null;
  return { nodes, edges: doc.edges.filter((e) => ids.has(e.to)) };
}

/** `id` when free in `taken`, else the first free <name part of `id`><n>, n counting on from `id`'s own number. */
export function freshNodeId(id: string, taken: ReadonlySet<string>): string {
  if (!taken.has(id)) return id;
  const match = /^(.*?)(\d*)$/.exec(id)!;
  // Ids start with a letter, so the name part is never empty.
  const name = match[1];
  for (let n = match[2] ? Number(match[2]) + 1 : 2; ; n++) {
    const suffix = String(n);
    // Ids are at most 64 characters (NODE_ID_PATTERN).
    const candidate = name.slice(0, 64 - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

const key = (p: XY) => `${Math.round(p.x)},${Math.round(p.y)}`;

/**
 * `doc` with a copy of `fragment` added (see the module comment), and the copies' ids in the
 * fragment's order. With `anchor`, the group is moved so its top-left corner is there (a paste
 * into a view that doesn't show the originals' spot) before the offset.
 */
export function pasteFragment(doc: FlowDocument, fragment: ClipboardFragment, anchor?: XY): { doc: FlowDocument; ids: string[] } {
  const existing = new Set(doc.nodes.map((n) => n.id));
  const taken = new Set(existing);
  const ids = new Map<string, string>();
  for (const node of fragment.nodes) {
    const id = freshNodeId(node.id, taken);
    taken.add(id);
    ids.set(node.id, id);
  }
  const origin = anchor ? topLeft(fragment.nodes) : null;
  const base = (node: FlowNode): XY => {
    const p = node.position ?? { x: 0, y: 0 };
    return anchor && origin ? { x: p.x - origin.x + anchor.x, y: p.y - origin.y + anchor.y } : p;
  };
  // One more step while any copy would land exactly on a card already there (an earlier paste).
  const occupied = new Set(doc.nodes.map((n) => key(n.position ?? { x: 0, y: 0 })));
  let step = anchor ? 0 : 1;
  while (step < MAX_STEPS && fragment.nodes.some((n) => occupied.has(key(shift(base(n), step))))) step++;
  const nodes = fragment.nodes.map((node) => {
    const p = shift(base(node), step);
    return { ...withRenamedRefs(node, ids), id: ids.get(node.id)!, position: { x: Math.round(p.x), y: Math.round(p.y) } } as FlowNode;
  });
  const edges: FlowEdge[] = [];
  const seen = new Set(doc.edges.map((e) => `${e.from}->${e.to}`));
  for (const edge of fragment.edges) {
    const to = ids.get(edge.to);
    const from = ids.get(edge.from) ?? (existing.has(edge.from) ? edge.from : undefined);
    if (!to || !from || seen.has(`${from}->${to}`)) continue;
    seen.add(`${from}->${to}`);
    edges.push({ from, to });
  }
  return { doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] }, ids: [...ids.values()] };
}

function shift(p: XY, step: number): XY {
  return { x: p.x + step * PASTE_STEP, y: p.y + step * PASTE_STEP };
}

function topLeft(nodes: readonly FlowNode[]): XY {
  let x = Infinity;
  let y = Infinity;
  for (const node of nodes) {
    x = Math.min(x, node.position?.x ?? 0);
    y = Math.min(y, node.position?.y ?? 0);
  }
  return { x, y };
}

/** The fragment's bounds in flow coordinates (card size `size`). */
export function fragmentBounds(fragment: ClipboardFragment, size: { width: number; height: number }): { x0: number; y0: number; x1: number; y1: number } {
  const { x, y } = topLeft(fragment.nodes);
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const node of fragment.nodes) {
    x1 = Math.max(x1, (node.position?.x ?? 0) + size.width);
    y1 = Math.max(y1, (node.position?.y ?? 0) + size.height);
  }
  return { x0: x, y0: y, x1, y1 };
}

const fragmentSchema = z.object({
  baton: z.literal("nodes"),
  nodes: z
    .array(rawNodeSchema.refine((n) => isNodeKind(n.kind), { message: "unknown node kind", path: ["kind"] }))
    .min(1)
    .max(FLOW_LIMITS.nodes),
  edges: z.array(edgeSchema).max(FLOW_LIMITS.edges),
});

/** The clipboard's text form (kept in the browser, so a copy can be pasted into another flow or tab). */
export function serializeFragment(fragment: ClipboardFragment): string {
  return JSON.stringify({ baton: "nodes", nodes: fragment.nodes, edges: fragment.edges });
}

/** The fragment in `text`, or null when it is not one (anything else on the clipboard). */
export function parseFragment(text: string | null): ClipboardFragment | null {
  if (!text) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = fragmentSchema.safeParse(json);
  if (!parsed.success) return null;
  // Node configs are checked like an import's: pasted into the flow, problems show as issues.
  return { nodes: parsed.data.nodes as unknown as FlowNode[], edges: parsed.data.edges };
}
