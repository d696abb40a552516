"use client";
/**
 * A minimap for large flows: the look and the drag-to-pan / wheel-to-zoom of React Flow's
 * MiniMap, at a cost that doesn't grow with the node count on every viewport change.
 *
 * React Flow's MiniMap draws one SVG rect per node, each subscribed to the flow store, and its
 * viewBox follows the viewport, so a pan re-ran a selector per node and repainted every rect
 * on each mouse move (measured: ~8 ms per move at 2000 nodes). Here the nodes are drawn as one
 * path per colour, built from the `nodes` prop only when nodes change (a drag redraws only the
 * dragged nodes); a viewport change re-renders only the viewBox and the mask. The viewport
 * comes from the canvas's ViewportFeed, so the minimap follows drag-pans that bypass React
 * Flow's store.
 */
import { Panel, useReactFlow, useStore, type Node, type ReactFlowState } from "@xyflow/react";
import { memo, useCallback, useMemo, useRef, type PointerEvent, type WheelEvent } from "react";
import { useLiveViewport } from "./viewport-feed";

const WIDTH = 200;
const HEIGHT = 150;
/** Margin around the drawn area, in minimap pixels (React Flow's offsetScale). */
const OFFSET = 5;
const NODE_RADIUS = 5;
/**
 * The nodes split into those not being dragged (`still`: the same array while none of them
 * changes) and the dragged ones. A drag changes the nodes on every frame; rebuilding and
 * re-parsing one path of 2000 rects took several ms per frame, so the still nodes' paths are
 * built once per drag and a frame redraws only the dragged nodes.
 */
function useStillNodes<N extends Node>(nodes: N[]): { still: N[]; moving: N[] } {
  const last = useRef<N[]>([]);
  return useMemo(() => {
    const still: N[] = [];
    const moving: N[] = [];
    for (const node of nodes) (node.dragging ? moving : still).push(node);
    const prev = last.current;
    if (still.length === prev.length && still.every((node, i) => node === prev[i])) return { still: prev, moving };
    last.current = still;
    return { still, moving };
  }, [nodes]);
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface PaneState {
  width: number;
  height: number;
  minZoom: number;
  maxZoom: number;
}

const paneSelector = (s: ReactFlowState): PaneState => ({ width: s.width, height: s.height, minZoom: s.minZoom, maxZoom: s.maxZoom });
const samePane = (a: PaneState, b: PaneState) => a.width === b.width && a.height === b.height && a.minZoom === b.minZoom && a.maxZoom === b.maxZoom;

function rectPath(x: number, y: number, w: number, h: number): string {
  const r = Math.min(NODE_RADIUS, w / 2, h / 2);
  return `M${x + r},${y}h${w - 2 * r}a${r},${r} 0 0 1 ${r},${r}v${h - 2 * r}a${r},${r} 0 0 1 ${-r},${r}h${-(w - 2 * r)}a${r},${r} 0 0 1 ${-r},${-r}v${-(h - 2 * r)}a${r},${r} 0 0 1 ${r},${-r}z`;
}

interface NodeShapes {
  bounds: Box | null;
  paths: { color: string; d: string }[];
}

function nodeShapes<N extends Node>(nodes: N[], nodeColor: (node: N) => string, defaultSize: { width: number; height: number }): NodeShapes {
  const byColor = new Map<string, string[]>();
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const node of nodes) {
    if (node.hidden) continue;
    const width = node.measured?.width ?? node.width ?? defaultSize.width;
    const height = node.measured?.height ?? node.height ?? defaultSize.height;
    const { x, y } = node.position;
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + width);
    maxY = Math.max(maxY, y + height);
    const color = nodeColor(node);
    let parts = byColor.get(color);
    if (!parts) byColor.set(color, (parts = []));
    parts.push(rectPath(x, y, width, height));
  }
  return {
    bounds: minX === Infinity ? null : { x: minX, y: minY, width: maxX - minX, height: maxY - minY },
    paths: [...byColor].map(([color, parts]) => ({ color, d: parts.join("") })),
  };
}

function union(a: Box | null, b: Box | null): Box | null {
  if (!a || !b) return a ?? b;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

const NodePaths = memo(function NodePaths({ paths }: { paths: NodeShapes["paths"] }) {
  return paths.map(({ color, d }) => <path key={color} d={d} className="react-flow__minimap-node" style={{ fill: color }} />);
});

export interface LiteMiniMapProps<N extends Node> {
  /** The flow's nodes (top-level, positions absolute). */
  nodes: N[];
  /** Must be stable (defined outside the component): the paths are rebuilt when it changes. */
  nodeColor: (node: N) => string;
  /** Size of nodes not measured yet. */
  defaultNodeSize: { width: number; height: number };
  className?: string;
}

export function LiteMiniMap<N extends Node>({ nodes, nodeColor, defaultNodeSize, className }: LiteMiniMapProps<N>) {
  const { setViewport, getViewport } = useReactFlow();
  const pane = useStore(paneSelector, samePane);
  const viewport = { ...useLiveViewport(), ...pane };
  const { still, moving } = useStillNodes(nodes);
  const stillShapes = useMemo(() => nodeShapes(still, nodeColor, defaultNodeSize), [still, nodeColor, defaultNodeSize]);
  const movingShapes = nodeShapes(moving, nodeColor, defaultNodeSize);

  // The visible flow area, and the drawn area: nodes and viewport together (as React Flow's).
  const view: Box = {
    x: -viewport.x / viewport.zoom,
    y: -viewport.y / viewport.zoom,
    width: viewport.width / viewport.zoom,
    height: viewport.height / viewport.zoom,
  };
  const b = union(stillShapes.bounds, movingShapes.bounds);
  const bx = b ? Math.min(b.x, view.x) : view.x;
  const by = b ? Math.min(b.y, view.y) : view.y;
  const bw = (b ? Math.max(b.x + b.width, view.x + view.width) : view.x + view.width) - bx;
  const bh = (b ? Math.max(b.y + b.height, view.y + view.height) : view.y + view.height) - by;
  const viewScale = Math.max(bw / WIDTH, bh / HEIGHT) || 1;
  const offset = OFFSET * viewScale;
  const x = bx - (viewScale * WIDTH - bw) / 2 - offset;
  const y = by - (viewScale * HEIGHT - bh) / 2 - offset;
  const width = viewScale * WIDTH + offset * 2;
  const height = viewScale * HEIGHT + offset * 2;

  // Drag pans the canvas so the viewport follows the pointer; the wheel zooms around the
  // viewport's centre.
  const drag = useRef<{ pointerId: number; lastX: number; lastY: number; scale: number } | null>(null);
  const onPointerDown = useCallback(
    (event: PointerEvent<SVGSVGElement>) => {
      if (event.button !== 0) return;
      event.currentTarget.setPointerCapture(event.pointerId);
      drag.current = { pointerId: event.pointerId, lastX: event.clientX, lastY: event.clientY, scale: viewScale };
    },
    [viewScale],
  );
  const onPointerMove = useCallback(
    (event: PointerEvent<SVGSVGElement>) => {
      const d = drag.current;
      if (!d || d.pointerId !== event.pointerId) return;
      const current = getViewport();
      const dx = (event.clientX - d.lastX) * d.scale * current.zoom;
      const dy = (event.clientY - d.lastY) * d.scale * current.zoom;
      d.lastX = event.clientX;
      d.lastY = event.clientY;
      void setViewport({ x: current.x - dx, y: current.y - dy, zoom: current.zoom });
    },
    [getViewport, setViewport],
  );
  const onPointerUp = useCallback(() => {
    drag.current = null;
  }, []);
  const onWheel = useCallback(
    (event: WheelEvent<SVGSVGElement>) => {
      const current = getViewport();
      const factor = Math.pow(2, -event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.002));
      const zoom = Math.min(viewport.maxZoom, Math.max(viewport.minZoom, current.zoom * factor));
      // Keep the flow point at the centre of the canvas where it is.
      const cx = viewport.width / 2;
      const cy = viewport.height / 2;
      void setViewport({ x: cx - ((cx - current.x) / current.zoom) * zoom, y: cy - ((cy - current.y) / current.zoom) * zoom, zoom });
    },
    [getViewport, setViewport, viewport.width, viewport.height, viewport.minZoom, viewport.maxZoom],
  );

  return (
    <Panel position="bottom-right" className={`react-flow__minimap ${className ?? ""}`} data-testid="rf__minimap">
      <svg
        width={WIDTH}
        height={HEIGHT}
        viewBox={`${x} ${y} ${width} ${height}`}
        className="react-flow__minimap-svg nowheel"
        role="img"
        aria-label="Mini map"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onWheel={onWheel}
      >
        <NodePaths paths={stillShapes.paths} />
        <NodePaths paths={movingShapes.paths} />
        <path
          className="react-flow__minimap-mask"
          d={`M${x - offset},${y - offset}h${width + offset * 2}v${height + offset * 2}h${-width - offset * 2}z M${view.x},${view.y}h${view.width}v${view.height}h${-view.width}z`}
          fillRule="evenodd"
          pointerEvents="none"
        />
      </svg>
    </Panel>
  );
}
