/**
 * The `{{…}}` references a node's prompt may use: the flow's inputs, and the output and diff
 * of every step upstream of it (plus contestants of upstream arenas). Mirrors what
 * validateFlow accepts, so anything offered here validates. Steps come nearest first (direct
 * upstream steps, then theirs, …): what a prompt usually reads is listed first, even when a
 * long flow has hundreds of steps upstream.
 */
import type { FlowDocument } from "../flow/document";
import { predecessors } from "../flow/graph";
import { EVERY_STEP_FIELDS } from "../flow/template";
import { definitionOf } from "../kinds";

export interface TemplateReference {
  text: string;
  group: "input" | "step";
  /** The node the reference reads from, for step references. */
  nodeId?: string;
}

export function availableReferences(doc: FlowDocument, nodeId: string): TemplateReference[] {
  const refs: TemplateReference[] = doc.inputs.map((input) => ({ text: `{{inputs.${input.name}}}`, group: "input" }));
  const ids = doc.nodes.map((n) => n.id);
  const distance = upstreamDistances(predecessors(ids, doc.edges), nodeId);
  const kinds = new Map(doc.nodes.map((n) => [n.id, n.kind]));
  // Nearest first; at equal distance, in the document's order (Array.prototype.sort is stable).
  const order = ids.filter((id) => distance.has(id)).sort((a, b) => distance.get(a)! - distance.get(b)!);
  for (const id of order) {
    const fields = [...EVERY_STEP_FIELDS, ...(definitionOf(kinds.get(id) ?? "")?.referenceFields ?? [])];
    for (const field of fields) refs.push({ text: `{{steps.${id}.${field}}}`, group: "step", nodeId: id });
  }
  return refs;
}

/**
 * The references to list for `query` (case-insensitive substring; empty matches all): at most
 * `limit`, in order, and how many more match. A node deep in a long flow may have hundreds of
 * steps upstream: a button for each would bury the prompt field (and take a long frame to
 * mount whenever the node is selected).
 */
export function listedReferences(refs: readonly TemplateReference[], query: string, limit: number): { shown: TemplateReference[]; more: number } {
  const q = query.trim().toLowerCase();
  const matching = q ? refs.filter((r) => r.text.toLowerCase().includes(q)) : refs;
  return { shown: matching.slice(0, limit), more: Math.max(0, matching.length - limit) };
}

/** Edges between `nodeId` and every step upstream of it, fewest first (breadth-first). */
function upstreamDistances(predecessorsOf: ReadonlyMap<string, readonly string[]>, nodeId: string): Map<string, number> {
  const distance = new Map<string, number>();
  let frontier = [nodeId];
  for (let d = 1; frontier.length > 0; d++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const from of predecessorsOf.get(id) ?? []) {
        if (distance.has(from) || from === nodeId) continue;
        distance.set(from, d);
        next.push(from);
      }
    }
    frontier = next;
  }
  return distance;
}

/** Inserts `snippet` into `text` at the selection [start, end), returning the text and caret. */
export function insertAt(text: string, start: number, end: number, snippet: string): { text: string; caret: number } {
  const a = Math.max(0, Math.min(start, text.length));
  const b = Math.max(a, Math.min(end, text.length));
  return { text: text.slice(0, a) + snippet + text.slice(b), caret: a + snippet.length };
}
