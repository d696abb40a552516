/**
 * The canvas view model: what React Flow renders. It is derived from the saved model
 * (FlowDocument) by view-model.ts and never saved itself; validation issues and run status
 * are fields here so node views only render them.
 */
import type { Edge, Node } from "@xyflow/react";
import type { FlowNode } from "../flow/document";
import type { NodeKind } from "../kinds";
import type { ValidationIssue } from "../flow/validate";

/** Live run state of a node, shown by the run page over the same node views. */
export interface NodeStatusOverlay {
  state: string;
  attempt?: number;
  elapsedMs?: number;
}

export interface CanvasNodeData extends Record<string, unknown> {
  node: FlowNode;
  issues: readonly ValidationIssue[];
  status?: NodeStatusOverlay;
}

export type CanvasNode = Node<CanvasNodeData, NodeKind>;

export interface CanvasEdgeData extends Record<string, unknown> {
  from: string;
  to: string;
  /** A problem is about this edge (it closes a cycle): drawn highlighted. */
  invalid?: boolean;
}

export type CanvasEdge = Edge<CanvasEdgeData>;

export interface Size {
  width: number;
  height: number;
}

/** The per-node UI state that is not part of the document. */
export interface CanvasUiState {
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  measured: ReadonlyMap<string, Size>;
  /**
   * Positions of nodes being dragged. They stay out of the document until the drag ends, so
   * a drag changes one canvas node per frame and nothing that reads the document.
   * Read-only views (version preview, run page) leave it out.
   */
  dragPositions?: ReadonlyMap<string, XY>;
}

export interface XY {
  x: number;
  y: number;
}
