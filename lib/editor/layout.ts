/**
 * Auto-layout with ELK's layered algorithm, left → right (edges point downstream). Pure
 * apart from running ELK; returns positions, which the editor writes into the document.
 */
import ELK from "elkjs/lib/elk.bundled.js";
import type { FlowDocument } from "../flow/document";
import type { Size } from "./types";

/** Card size assumed for nodes the canvas hasn't measured yet (the node card's fixed size). */
export const DEFAULT_NODE_SIZE: Size = { width: 240, height: 84 };

let elk: InstanceType<typeof ELK> | null = null;

export async function layoutPositions(
  doc: FlowDocument,
  measured: ReadonlyMap<string, Size> = new Map(),
): Promise<Map<string, { x: number; y: number }>> {
  elk ??= new ELK();
  const ids = new Set(doc.nodes.map((n) => n.id));
  const graph = await elk.layout({
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.spacing.nodeNode": "32",
      "elk.layered.spacing.nodeNodeBetweenLayers": "72",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
    },
    children: doc.nodes.map((node) => ({ id: node.id, ...(measured.get(node.id) ?? DEFAULT_NODE_SIZE) })),
    edges: doc.edges
      .filter((e) => ids.has(e.from) && ids.has(e.to))
      .map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  });
  const out = new Map<string, { x: number; y: number }>();
  for (const child of graph.children ?? []) out.set(child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) });
  return out;
}

/** Does any node lack a saved position (then the editor lays the flow out on load)? */
export function needsLayout(doc: FlowDocument): boolean {
  return doc.nodes.some((n) => !n.position);
}
