"use client";
/**
 * The run's flow graph, read-only, drawn with the editor's node views (components/flow),
 * each node carrying its live status overlay. Clicking a node selects its step.
 */
import { Background, BackgroundVariant, ReactFlow, ReactFlowProvider, type NodeMouseHandler } from "@xyflow/react";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import type { FlowDocument } from "@/lib/flow/document";
import { layoutPositions, needsLayout } from "@/lib/editor/layout";
import { toCanvasEdges, toCanvasNodes, withPositions } from "@/lib/editor/view-model";
import type { CanvasNode } from "@/lib/editor/types";
import { nodeTypes } from "@/components/flow/node-views";
import type { NodeOverlay } from "@/lib/timeline/node-status";

const EMPTY_UI = { selectedNodes: new Set<string>(), selectedEdges: new Set<string>(), measured: new Map(), dragging: new Set<string>() };
const NO_ISSUES = new Map();
const fitViewOptions = { maxZoom: 1, padding: 0.15 };
const proOptions = { hideAttribution: true };

interface Props {
  doc: FlowDocument;
  overlays: ReadonlyMap<string, NodeOverlay>;
  selectedNodeId: string | null;
  onSelectNode(nodeId: string): void;
}

function sameOverlay(a: NodeOverlay | undefined, b: NodeOverlay | undefined): boolean {
  return a?.state === b?.state && a?.attempt === b?.attempt && a?.elapsedMs === b?.elapsedMs;
}

export const RunGraph = memo(function RunGraph({ doc, overlays, selectedNodeId, onSelectNode }: Props) {
  const [laidOut, setLaidOut] = useState<FlowDocument | null>(needsLayout(doc) ? null : doc);
  useEffect(() => {
    let live = true;
    if (!needsLayout(doc)) setLaidOut(doc);
    else void layoutPositions(doc).then((positions) => live && setLaidOut(withPositions(doc, positions)));
    return () => {
      live = false;
    };
  }, [doc]);
  const base = useMemo(() => (laidOut ? toCanvasNodes(laidOut, NO_ISSUES, EMPTY_UI) : []), [laidOut]);
  const edges = useMemo(() => (laidOut ? toCanvasEdges(laidOut.edges, new Set()) : []), [laidOut]);
  // Keep node objects whose overlay did not change, so only changed cards re-render.
  const previous = useRef<Map<string, CanvasNode>>(new Map());
  const nodes = useMemo(() => {
    const next = base.map((node) => {
      const overlay = overlays.get(node.id);
      const selected = node.id === selectedNodeId;
      const before = previous.current.get(node.id);
      if (before && before.data.node === node.data.node && sameOverlay(before.data.status as NodeOverlay | undefined, overlay) && before.selected === selected) {
        return before;
      }
      return { ...node, selected, data: { ...node.data, status: overlay } };
    });
    previous.current = new Map(next.map((n) => [n.id, n]));
    return next;
  }, [base, overlays, selectedNodeId]);
  const onNodeClick: NodeMouseHandler<CanvasNode> = (_event, node) => onSelectNode(node.id);
  if (!laidOut) return <div className="p-4 text-[12px] text-zinc-400">Laying out…</div>;
  return (
    <ReactFlowProvider>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
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
      </ReactFlow>
    </ReactFlowProvider>
  );
});
