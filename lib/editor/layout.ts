/**
 * Auto-layout with ELK's layered algorithm, left → right (edges point downstream). Pure
 * apart from running ELK; returns positions, which the editor writes into the document.
 *
 * ELK (~1.4 MB of JavaScript) is imported on the first layout, not with the editor: flows
 * with saved positions never need it, and parsing it delayed every editor load.
 */
import type ELK from "elkjs/lib/elk.bundled.js";
import type { FlowDocument } from "../flow/document";
import type { Size } from "./types";

/** Card size assumed for nodes the canvas hasn't measured yet (the node card's fixed size). */
export const DEFAULT_NODE_SIZE: Size = { width: 240, height: 84 };

let elk: Promise<InstanceType<typeof ELK>> | null = null;

/** ELK, imported once; a failed import (a chunk that didn't load) is tried again next time. */
const loadElk = () =>
  import("elkjs/lib/elk.bundled.js").then(
    ({ default: Elk }) => new Elk(),
    (error: unknown) => {
      elk = null;
      throw error;
    },
  );

export async function layoutPositions(
  doc: FlowDocument,
  measured: ReadonlyMap<string, Size> = new Map(),
): Promise<Map<string, { x: number; y: number }>> {
  elk ??= loadElk();
  const ids = new Set(doc.nodes.map((n) => n.id));
  const graph = await (await elk).layout({
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
