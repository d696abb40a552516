"use client";
/**
 * The editing canvas: React Flow in controlled mode over the editor store's canvas view.
 * Every callback is stable (it reads the store, not props), so React Flow never sees new
 * handlers and memoized node views re-render only when their own node changes.
 */
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type OnDelete,
} from "@xyflow/react";
import { useCallback, type DragEvent } from "react";
import "./canvas.css";
import { isNodeKind } from "@/lib/flow/document";
import { connectRefusal } from "@/lib/editor/document-ops";
import type { CanvasEdge, CanvasNode } from "@/lib/editor/types";
import { nodeTypes } from "@/components/flow/node-views";
import { ConnectionFeedback, ConnectionLine } from "./connection-feedback";
import { useEditor, useEditorStore } from "./editor-context";

export const PALETTE_DRAG_TYPE = "application/x-baton-kind";

/** Above this many nodes, only nodes in the viewport are mounted. */
const VISIBLE_ONLY_THRESHOLD = 200;

const MINIMAP_COLORS: Record<string, string> = {
  agent: "#0ea5e9",
  arena: "#8b5cf6",
  fold: "#f59e0b",
  check: "#10b981",
  approval: "#f43f5e",
};
const minimapColor = (node: CanvasNode) => (node.data.issues.length > 0 ? "#dc2626" : (MINIMAP_COLORS[node.type ?? ""] ?? "#a1a1aa"));

const defaultEdgeOptions = { style: { stroke: "#71717a", strokeWidth: 1.25 } };
const deleteKeys = ["Delete", "Backspace"];
const fitViewOptions = { maxZoom: 1, padding: 0.15 };

export function FlowCanvas() {
  const store = useEditorStore();
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const { screenToFlowPosition } = useReactFlow();

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => store.dispatch({ type: "node-changes", changes }),
    [store],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<CanvasEdge>[]) => store.dispatch({ type: "edge-changes", changes }),
    [store],
  );
  const onConnect = useCallback(
    (connection: Connection) => store.dispatch({ type: "connect", from: connection.source, to: connection.target }),
    [store],
  );
  const onDelete: OnDelete<CanvasNode, CanvasEdge> = useCallback(
    ({ nodes: removed, edges: removedEdges }) =>
      store.dispatch({ type: "delete", nodeIds: removed.map((n) => n.id), edgeIds: removedEdges.map((e) => e.id) }),
    [store],
  );
  const isValidConnection: IsValidConnection<CanvasEdge> = useCallback(
    (connection) => connectRefusal(store.getState().doc, connection.source, connection.target) === null,
    [store],
  );
  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(PALETTE_DRAG_TYPE);
      if (!isNodeKind(kind)) return;
      event.preventDefault();
      const position = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      store.dispatch({ type: "add-node", kind, position: { x: position.x - 120, y: position.y - 30 } });
    },
    [store, screenToFlowPosition],
  );

  return (
    <div className="relative h-full w-full" data-testid="canvas">
      <ReactFlow<CanvasNode, CanvasEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onDelete={onDelete}
        isValidConnection={isValidConnection}
        connectionLineComponent={ConnectionLine}
        onDragOver={onDragOver}
        onDrop={onDrop}
        deleteKeyCode={deleteKeys}
        defaultEdgeOptions={defaultEdgeOptions}
        onlyRenderVisibleElements={nodes.length > VISIBLE_ONLY_THRESHOLD}
        minZoom={0.05}
        maxZoom={2}
        fitView
        fitViewOptions={fitViewOptions}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="#d4d4d8" />
        <MiniMap<CanvasNode> pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={0} className="!border !border-zinc-200" />
        <Controls showInteractive={false} />
        <ConnectionFeedback />
      </ReactFlow>
    </div>
  );
}
