"use client";
/**
 * A flow drawn read-only with the same node views as the editor (version previews; the run
 * page can reuse it). Its own ReactFlowProvider keeps it apart from the editor's canvas.
 */
import { useLaidOut } from "@/components/flow/use-laid-out";
import { Background, BackgroundVariant, ReactFlow, ReactFlowProvider } from "@xyflow/react";
import { useMemo } from "react";
import type { FlowDocument } from "@/lib/flow/document";
import { validateFlow } from "@/lib/flow/validate";
import { READ_ONLY_UI, invalidEdgeIds, stableIssuesByNode, toCanvasEdges, toCanvasNodes } from "@/lib/editor/view-model";
import { nodeTypes } from "@/lib/kinds/client";
import { EdgeLayer } from "@/components/flow/edge-layer";
import { cardSizeOf } from "@/components/flow/node-card";
import type { CanvasEdge, CanvasNode } from "@/lib/editor/types";

/** React Flow is MIT-licensed; hiding its attribution keeps the canvas corner free for the controls. */
const proOptions = { hideAttribution: true };

const NO_EDGES: CanvasEdge[] = [];

const fitViewOptions = { maxZoom: 1, padding: 0.12 };

export function ReadOnlyFlow({ doc, profiles }: { doc: FlowDocument; profiles?: ReadonlySet<string> }) {
  const laidOut = useLaidOut(doc);
  const view = useMemo(() => {
    if (!laidOut) return null;
    const result = validateFlow(laidOut, { profiles });
    const issues = stableIssuesByNode(result.ok ? [] : result.issues);
    return { nodes: toCanvasNodes(laidOut, issues, READ_ONLY_UI), edges: toCanvasEdges(laidOut.edges, new Set(), [], invalidEdgeIds(result.ok ? [] : result.issues)) };
  }, [laidOut, profiles]);
  if (!view) return <div className="p-4 text-[12px] text-zinc-400">Laying out…</div>;
  return (
    <ReactFlowProvider>
      <ReactFlow
        nodes={view.nodes}
        edges={NO_EDGES}
        nodeTypes={nodeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        fitView
        fitViewOptions={fitViewOptions}
        minZoom={0.05}
        proOptions={proOptions}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="#d4d4d8" />
        <EdgeLayer<CanvasNode, CanvasEdge> nodes={view.nodes} edges={view.edges} size={cardSizeOf} />
      </ReactFlow>
    </ReactFlowProvider>
  );
}
