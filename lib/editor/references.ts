/**
 * The `{{…}}` references a node's prompt may use: the flow's inputs, and the output and diff
 * of every step upstream of it (plus contestants of upstream arenas). Mirrors what
 * validateFlow accepts, so anything offered here validates.
 */
import type { FlowDocument } from "../flow/document";
import { predecessors, reachable, topologicalOrder } from "../flow/graph";

export interface TemplateReference {
  text: string;
  group: "input" | "step";
  /** The node the reference reads from, for step references. */
  nodeId?: string;
}

export function availableReferences(doc: FlowDocument, nodeId: string): TemplateReference[] {
  const refs: TemplateReference[] = doc.inputs.map((input) => ({ text: `{{inputs.${input.name}}}`, group: "input" }));
  const ids = doc.nodes.map((n) => n.id);
  const upstream = reachable(predecessors(ids, doc.edges), nodeId);
  const kinds = new Map(doc.nodes.map((n) => [n.id, n.kind]));
  for (const id of topologicalOrder(ids, doc.edges)) {
    if (!upstream.has(id)) continue;
    refs.push({ text: `{{steps.${id}.output}}`, group: "step", nodeId: id });
    refs.push({ text: `{{steps.${id}.diff}}`, group: "step", nodeId: id });
    if (kinds.get(id) === "arena") refs.push({ text: `{{steps.${id}.contestants}}`, group: "step", nodeId: id });
  }
  return refs;
}

/** Inserts `snippet` into `text` at the selection [start, end), returning the text and caret. */
export function insertAt(text: string, start: number, end: number, snippet: string): { text: string; caret: number } {
  const a = Math.max(0, Math.min(start, text.length));
  const b = Math.max(a, Math.min(end, text.length));
  return { text: text.slice(0, a) + snippet + text.slice(b), caret: a + snippet.length };
}
