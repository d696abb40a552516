"use client";
/**
 * The editing canvas: React Flow in controlled mode over the editor store's canvas view.
 * Every callback is stable (it reads the store, not props), so React Flow never sees new
 * handlers and memoized node views re-render only when their own node changes.
 */
import {
  Controls,
  ReactFlow,
  useReactFlow,
  useStoreApi,
  type Connection,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type OnDelete,
} from "@xyflow/react";
import { useCallback, useRef, type DragEvent, type MouseEvent, type PointerEvent } from "react";
import "./canvas.css";
import { isNodeKind } from "@/lib/flow/document";
import { connectRefusal } from "@/lib/editor/document-ops";
import type { CanvasEdge, CanvasNode } from "@/lib/editor/types";
import { CompactZoomProvider } from "@/components/flow/compact-zoom";
import { KIND_STYLES } from "@/components/flow/kind-style";
import { LiteMiniMap } from "@/components/flow/lite-minimap";
import { CARD_HEIGHT, CARD_WIDTH } from "@/components/flow/node-card";
import { DotBackground } from "@/components/flow/dot-background";
import { nodeAtPoint, OverviewLayer, useOverviewActive } from "@/components/flow/overview-layer";
import { useFitOnMount, useRenderWindow } from "@/components/flow/render-window";
import { useTransientPan, ViewportFeedContext } from "@/components/flow/viewport-feed";
import { nodeTypes } from "@/components/flow/node-views";
import { ConnectionFeedback, ConnectionLine } from "./connection-feedback";
import { useEditor, useEditorStore } from "./editor-context";

export const PALETTE_DRAG_TYPE = "application/x-baton-kind";

/**
 * Above this many nodes, only nodes in the render window (the view and a margin) are mounted,
 * and below OVERVIEW_BELOW_ZOOM none: the flow is drawn by the overview layer.
 */
const VISIBLE_ONLY_THRESHOLD = 200;

const minimapColor = (node: CanvasNode) => (node.data.issues.length > 0 ? "#dc2626" : KIND_STYLES[node.data.node.kind].accent);

const cardSize = { width: CARD_WIDTH, height: CARD_HEIGHT };
const cardSizeOf = () => cardSize;
const defaultEdgeOptions = { style: { stroke: "#71717a", strokeWidth: 1.25 } };
const deleteKeys = ["Delete", "Backspace"];
// Hidden nodes are those outside the render window: fitting must include them.
const fitViewOptions = { maxZoom: 1, padding: 0.15, includeHiddenNodes: true };

export function FlowCanvas() {
  const store = useEditorStore();
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const { screenToFlowPosition } = useReactFlow();
  const flowStore = useStoreApi();
  const wrapper = useRef<HTMLDivElement>(null);
  const pan = useTransientPan(wrapper);
  const large = nodes.length > VISIBLE_ONLY_THRESHOLD;
  const overview = useOverviewActive(pan.feed, large);
  const rendered = useRenderWindow(nodes, edges, cardSizeOf, large, pan.feed, overview);
  useFitOnMount(fitViewOptions);

  // A press on the empty pane captures the pointer: the mouse moves of the pan that may follow
  // then go straight to the pane, and Chrome skips hit-testing every node and edge under the
  // cursor for each of them. The capture ends with the button.
  const onPointerDown = useCallback((event: PointerEvent<HTMLDivElement>) => {
    const target = event.target as Element;
    if (event.button === 0 && target.classList.contains("react-flow__pane")) target.setPointerCapture(event.pointerId);
  }, []);

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
  // In the overview there are no cards to click: a click on the pane selects the node drawn
  // under the pointer (React Flow has already cleared the selection for the pane click).
  const onPaneClick = useCallback(
    (event: MouseEvent) => {
      if (!overview) return;
      const pane = flowStore.getState().domNode?.getBoundingClientRect();
      if (!pane) return;
      // The viewport the overview was drawn with (the feed), so what is hit is what is seen.
      const { x, y, zoom } = pan.feed.get();
      const point = { x: (event.clientX - pane.left - x) / zoom, y: (event.clientY - pane.top - y) / zoom };
      const hit = nodeAtPoint(store.getState().nodes, point, zoom, cardSizeOf);
      if (hit) store.dispatch({ type: "select-node", id: hit.id });
    },
    [overview, store, flowStore, pan.feed],
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
    <div ref={wrapper} className="baton-canvas relative h-full w-full" data-testid="canvas" onPointerDown={onPointerDown}>
      <CompactZoomProvider>
        <ReactFlow<CanvasNode, CanvasEdge>
          nodes={rendered.nodes}
          edges={rendered.edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onDelete={onDelete}
          isValidConnection={isValidConnection}
          connectionLineComponent={ConnectionLine}
          onDragOver={onDragOver}
          onDrop={onDrop}
          onPaneClick={onPaneClick}
          {...pan.props}
          deleteKeyCode={deleteKeys}
          defaultEdgeOptions={defaultEdgeOptions}
          minZoom={0.05}
          maxZoom={2}
        >
          <ViewportFeedContext.Provider value={pan.feed}>
            <DotBackground />
            {overview ? <OverviewLayer<CanvasNode, CanvasEdge> nodes={nodes} edges={edges} color={minimapColor} size={cardSizeOf} /> : null}
            <LiteMiniMap<CanvasNode> nodes={nodes} nodeColor={minimapColor} defaultNodeSize={cardSize} className="!border !border-zinc-200" />
          </ViewportFeedContext.Provider>
          <Controls showInteractive={false} fitViewOptions={fitViewOptions} />
          <ConnectionFeedback />
        </ReactFlow>
      </CompactZoomProvider>
    </div>
  );
}
