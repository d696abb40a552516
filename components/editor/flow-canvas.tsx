"use client";
/**
 * The editing canvas: React Flow in controlled mode over the editor store's canvas view.
 * Every callback is stable (it reads the store, not props), so React Flow never sees new
 * handlers and memoized node views re-render only when their own node changes.
 */
import {
  ControlButton,
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
import { isNodeKind } from "@/lib/kinds";
import { connectRefusal } from "@/lib/editor/document-ops";
import type { CanvasEdge, CanvasNode } from "@/lib/editor/types";
import { CompactZoomProvider } from "@/components/flow/compact-zoom";
import { LiteMiniMap } from "@/components/flow/lite-minimap";
import { cardSizeOf } from "@/components/flow/node-card";
import { DotBackground } from "@/components/flow/dot-background";
import { EdgeLayer, useFlowEdges } from "@/components/flow/edge-layer";
import { nodeAtPoint, OverviewLayer, useOverviewActive } from "@/components/flow/overview-layer";
import { useFitAll, useFitOnMount, useRenderWindow, type FitAllOptions } from "@/components/flow/render-window";
import type { EditorStore } from "@/lib/editor/store";
import { useTransientPan, ViewportFeedContext } from "@/components/flow/viewport-feed";
import { KIND_STYLES, nodeTypes } from "@/lib/kinds/client";
import { ConnectionFeedback, ConnectionLine } from "./connection-feedback";
import { useEditor, useEditorStore } from "./editor-context";

/** React Flow is MIT-licensed; hiding its attribution keeps the canvas corner free for the controls. */
const proOptions = { hideAttribution: true };

export const PALETTE_DRAG_TYPE = "application/x-baton-kind";

/**
 * Above this many nodes, only nodes in the render window (the view and a margin) are mounted,
 * and below OVERVIEW_BELOW_ZOOM none: the flow is drawn by the overview layer.
 */
const VISIBLE_ONLY_THRESHOLD = 200;

const minimapColor = (node: CanvasNode) => (node.data.issues.length > 0 ? "#dc2626" : KIND_STYLES[node.data.node.kind].accent);

const deleteKeys = ["Delete", "Backspace"];
export const FIT_OPTIONS: FitAllOptions = { maxZoom: 1, padding: 0.15 };

/**
 * Fits the view to every node of the editor's flow: React Flow holds only the nodes of the
 * render window, so its own fitView would fit those.
 */
export function useFitFlow(store: EditorStore): (options?: Partial<FitAllOptions>) => Promise<void> {
  const fit = useFitAll(() => store.getState().nodes, cardSizeOf);
  return useCallback((options?: Partial<FitAllOptions>) => fit({ ...FIT_OPTIONS, ...options }), [fit]);
}

const FIT_PATH =
  "M3.692 4.63c0-.53.4-.938.939-.938h5.215V0H4.708C2.13 0 0 2.054 0 4.63v5.216h3.692V4.631zM27.354 0h-5.2v3.692h5.17c.53 0 .984.4.984.939v5.215H32V4.631A4.624 4.624 0 0027.354 0zm.954 24.83c0 .532-.4.94-.939.94h-5.215v3.768h5.215c2.577 0 4.631-2.13 4.631-4.707v-5.139h-3.692v5.139zm-23.677.94c-.531 0-.939-.4-.939-.94v-5.138H0v5.139c0 2.577 2.13 4.707 4.708 4.707h5.138V25.77H4.631z";

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
  const flowEdges = useFlowEdges(edges);
  const fit = useFitFlow(store);
  const fitNow = useCallback(() => void fit(), [fit]);
  useFitOnMount(fitNow);

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
  const onEdgeSelect = useCallback((id: string, additive: boolean) => store.dispatch({ type: "select-edge", id, additive }), [store]);
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
          edges={flowEdges}
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
          minZoom={0.05}
          maxZoom={2}
          proOptions={proOptions}
        >
          {overview ? null : <EdgeLayer<CanvasNode, CanvasEdge> nodes={nodes} edges={rendered.edges} size={cardSizeOf} onSelect={onEdgeSelect} />}
          <ViewportFeedContext.Provider value={pan.feed}>
            <DotBackground />
            {overview ? <OverviewLayer<CanvasNode, CanvasEdge> nodes={nodes} edges={edges} color={minimapColor} size={cardSizeOf} /> : null}
            <LiteMiniMap<CanvasNode> nodes={nodes} nodeColor={minimapColor} defaultNodeSize={cardSizeOf()} className="!border !border-zinc-200" />
          </ViewportFeedContext.Provider>
          <Controls showInteractive={false} showFitView={false}>
            {/* React Flow's own fit button would fit only the nodes it holds (the render window). */}
            <ControlButton className="react-flow__controls-fitview" onClick={fitNow} title="Fit View" aria-label="Fit View">
              <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 30">
                <path d={FIT_PATH} />
              </svg>
            </ControlButton>
          </Controls>
          <ConnectionFeedback />
        </ReactFlow>
      </CompactZoomProvider>
    </div>
  );
}
