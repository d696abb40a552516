"use client";
/**
 * The run's flow graph, read-only, drawn with the editor's node views (components/flow),
 * each node carrying its live status overlay. Clicking a node selects its step.
 */
import { useLaidOut } from "@/components/flow/use-laid-out";
import {
  applyNodeChanges,
  Background,
  BackgroundVariant,
  ReactFlow,
  ReactFlowProvider,
  type NodeChange,
  type NodeMouseHandler,
} from "@xyflow/react";
import { memo, useCallback, useEffect, useMemo, useState } from "react";
import type { FlowDocument } from "@/lib/flow/document";
import { toCanvasEdges, toCanvasNodes } from "@/lib/editor/view-model";
import type { CanvasEdge, CanvasNode } from "@/lib/editor/types";
import { nodeTypes } from "@/lib/kinds/client";
import { EdgeLayer } from "@/components/flow/edge-layer";
import { CARD_HEIGHT, CARD_STATUS_HEIGHT, CARD_WIDTH } from "@/components/flow/node-card";
import type { NodeOverlay } from "@/lib/timeline/node-status";

const EMPTY_UI = { selectedNodes: new Set<string>(), selectedEdges: new Set<string>(), measured: new Map(), dragging: new Set<string>() };
const NO_ISSUES = new Map();
const fitViewOptions = { maxZoom: 1, padding: 0.15 };
const proOptions = { hideAttribution: true };
const NO_EDGES: CanvasEdge[] = [];
/** A card's size before it is measured: run cards carry a status row. */
const runCardSize = (node: CanvasNode) => ({ width: CARD_WIDTH, height: CARD_HEIGHT + (node.data.status ? CARD_STATUS_HEIGHT : 0) });

interface Props {
  doc: FlowDocument;
  /** Node id → the config the run's steps carry where it differs from the flow version's. */
  configs: ReadonlyMap<string, Record<string, unknown>>;
  overlays: ReadonlyMap<string, NodeOverlay>;
  selectedNodeId: string | null;
  onSelectNode(nodeId: string): void;
}

function sameOverlay(a: NodeOverlay | undefined, b: NodeOverlay | undefined): boolean {
  return a?.state === b?.state && a?.attempt === b?.attempt && a?.elapsedMs === b?.elapsedMs;
}

export const RunGraph = memo(function RunGraph({ doc, configs, overlays, selectedNodeId, onSelectNode }: Props) {
  const laidOut = useLaidOut(doc);
  const laidOutNodes = useMemo(() => (laidOut ? toCanvasNodes(laidOut, NO_ISSUES, EMPTY_UI) : []), [laidOut]);
  // The cards show what the run runs with (a step re-run with another profile shows it).
  const base = useMemo(
    () =>
      laidOutNodes.map((node) => {
        const config = configs.get(node.id);
        return config ? { ...node, data: { ...node.data, node: { ...node.data.node, config } as typeof node.data.node } } : node;
      }),
    [laidOutNodes, configs],
  );
  const edges = useMemo(() => (laidOut ? toCanvasEdges(laidOut.edges, new Set()) : []), [laidOut]);
  // Controlled nodes that keep what React Flow measured (onNodesChange): a node object rebuilt
  // without its measurement is hidden until re-measured, and a card whose elapsed time ticks
  // would never be. Only nodes whose overlay or selection changed get a new object.
  const [nodes, setNodes] = useState<CanvasNode[]>([]);
  useEffect(() => {
    setNodes((previous) => {
      const before = new Map(previous.map((n) => [n.id, n]));
      return base.map((node) => {
        const overlay = overlays.get(node.id);
        const selected = node.id === selectedNodeId;
        const prev = before.get(node.id);
        if (prev && prev.data.node === node.data.node) {
          if (sameOverlay(prev.data.status as NodeOverlay | undefined, overlay) && prev.selected === selected) return prev;
          return { ...prev, selected, data: { ...prev.data, status: overlay } };
        }
        // Keep what React Flow measured: the card's size doesn't depend on its config.
        return { ...node, ...(prev?.measured ? { measured: prev.measured } : {}), selected, data: { ...node.data, status: overlay } };
      });
    });
  }, [base, overlays, selectedNodeId]);
  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    // Only measurements matter on a read-only graph.
    const dimensions = changes.filter((c) => c.type === "dimensions");
    if (dimensions.length > 0) setNodes((current) => applyNodeChanges(dimensions, current));
  }, []);
  const onNodeClick: NodeMouseHandler<CanvasNode> = (_event, node) => onSelectNode(node.id);
  // Mount React Flow with its nodes present, so `fitView` fits them.
  if (!laidOut || (base.length > 0 && nodes.length === 0)) return <div className="p-4 text-[12px] text-zinc-400">Laying out…</div>;
  return (
    <ReactFlowProvider>
      <ReactFlow
        nodes={nodes}
        edges={NO_EDGES}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        onNodeClick={onNodeClick}
        fitView
        fitViewOptions={fitViewOptions}
        minZoom={0.05}
        proOptions={proOptions}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="#d4d4d8" />
        <EdgeLayer<CanvasNode, CanvasEdge> nodes={nodes} edges={edges} size={runCardSize} />
      </ReactFlow>
    </ReactFlowProvider>
  );
});
