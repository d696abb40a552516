"use client";
/**
 * The overview of a large flow: below OVERVIEW_BELOW_ZOOM, where no text on a card is
 * readable, the flow is drawn on one <canvas> instead of mounting a DOM card per node. Nodes
 * are rounded rectangles in their kind's colour (as on the minimap; red with issues), edges
 * one stroked path of the same curves React Flow draws, the selection outlined.
 *
 * The canvas covers the pane in screen space and is redrawn (once per frame at most) from the
 * canvas's ViewportFeed, so it follows drag-pans that bypass React Flow's store. It takes no
 * pointer events: a press on it is a press on React Flow's pane, so dragging pans and the
 * wheel zooms as elsewhere; a click is hit-tested against the node rectangles by
 * `nodeAtPoint` (the canvas calls it from React Flow's onPaneClick).
 */
import { useStore, type Edge, type Node, type ReactFlowState, type XYPosition } from "@xyflow/react";
import { useEffect, useLayoutEffect, useRef, useSyncExternalStore } from "react";
import { useViewportFeed, type ViewportFeed } from "./viewport-feed";
import type { NodeSize } from "./render-window";

/**
 * Below this zoom the overview replaces the cards. A compact card's id (28 px) is 8 px tall
 * at 0.3, the smallest that still reads; below it a card is a coloured box anyway.
 */
export const OVERVIEW_BELOW_ZOOM = 0.3;
/**
 * Once the overview shows, the cards come back only from this zoom: a zoom that hovers at the
 * threshold (a trackpad pinch, wheel steps back and forth) would otherwise swap a hundred-odd
 * cards in and out on every step.
 */
export const CARDS_FROM_ZOOM = 0.33;

/** Whether the overview shows at `zoom`, given whether it showed before (hysteresis). */
export function overviewAfter(wasShown: boolean, zoom: number): boolean {
  return zoom < (wasShown ? CARDS_FROM_ZOOM : OVERVIEW_BELOW_ZOOM);
}
/** Screen pixels around a node's box that still count as a click on it (boxes are a few pixels tall at fit zoom). */
const HIT_SLOP_PX = 3;
const EDGE_COLOR = "#a1a1aa";
const SELECTED_COLOR = "#18181b";

/** Whether the overview shows: `enabled` (a large flow) and the drawn zoom below the threshold (with hysteresis). */
export function useOverviewActive(feed: ViewportFeed, enabled: boolean): boolean {
  const shown = useRef(false);
  // Reading twice at one zoom gives the same answer (overviewAfter is settled after one step),
  // as useSyncExternalStore requires of a snapshot.
  const below = useSyncExternalStore(
    feed.subscribe,
    () => (shown.current = overviewAfter(shown.current, feed.get().zoom)),
    () => false,
  );
  return enabled && below;
}

const boxOf = (node: Node, size: NodeSize) => ({
  x: node.position.x,
  y: node.position.y,
  width: node.measured?.width ?? node.width ?? size.width,
  height: node.measured?.height ?? node.height ?? size.height,
});

/**
 * The node under `point` (flow coordinates): the topmost (last drawn) whose box holds it, else
 * the nearest whose box is within a few screen pixels of it.
 */
export function nodeAtPoint<N extends Node>(nodes: readonly N[], point: XYPosition, zoom: number, size: (node: N) => NodeSize): N | null {
  let best: N | null = null;
  let bestDistance = HIT_SLOP_PX / zoom;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const b = boxOf(nodes[i], size(nodes[i]));
    const dx = Math.max(0, b.x - point.x, point.x - (b.x + b.width));
    const dy = Math.max(0, b.y - point.y, point.y - (b.y + b.height));
    const distance = Math.hypot(dx, dy);
    if (distance === 0) return nodes[i];
    if (distance <= bestDistance) {
      best = nodes[i];
      bestDistance = distance;
    }
  }
  return best;
}

const paneSize = (s: ReactFlowState) => s.width * 10_000 + s.height;

export interface OverviewLayerProps<N extends Node, E extends Edge> {
  nodes: N[];
  edges: E[];
  /** Fill of a node (its kind colour, or red when it has issues). */
  color: (node: N) => string;
  size: (node: N) => NodeSize;
}

/** Must be rendered as a child of ReactFlow, under a ViewportFeedContext. */
export function OverviewLayer<N extends Node, E extends Edge>(props: OverviewLayerProps<N, E>) {
  const feed = useViewportFeed();
  const packed = useStore(paneSize);
  const width = Math.floor(packed / 10_000);
  const height = packed % 10_000;
  const canvas = useRef<HTMLCanvasElement>(null);
  const latest = useRef(props);
  latest.current = props;
  const frame = useRef(0);

  const schedule = useRef(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const el = canvas.current;
      if (el) draw(el, latest.current, feed.get());
    });
  });

  useEffect(() => {
    const unsubscribe = feed.subscribe(schedule.current);
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [feed]);

  // Resizing a canvas clears it: draw in the same frame as the new size lands.
  useLayoutEffect(() => {
    const el = canvas.current;
    if (!el || !width || !height) return;
    const dpr = window.devicePixelRatio || 1;
    el.width = Math.round(width * dpr);
    el.height = Math.round(height * dpr);
    draw(el, latest.current, feed.get());
  }, [width, height, feed]);

  useEffect(() => schedule.current(), [props.nodes, props.edges, props.color, props.size]);

  return (
    <canvas
      ref={canvas}
      className="pointer-events-none absolute left-0 top-0"
      // Under the (empty) renderer and the panels, over the background.
      style={{ width, height, zIndex: -1 }}
      data-testid="flow-overview"
      aria-hidden="true"
    />
  );
}

function draw<N extends Node, E extends Edge>(el: HTMLCanvasElement, { nodes, edges, color, size }: OverviewLayerProps<N, E>, vp: { x: number; y: number; zoom: number }): void {
  const ctx = el.getContext("2d");
  if (!ctx) return;
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, el.width, el.height);
  const { x, y, zoom } = vp;
  // The flow area on screen, for culling.
  const x0 = -x / zoom;
  const y0 = -y / zoom;
  const x1 = (el.width / dpr - x) / zoom;
  const y1 = (el.height / dpr - y) / zoom;
  ctx.setTransform(dpr * zoom, 0, 0, dpr * zoom, dpr * x, dpr * y);

  const boxes = new Map<string, { x: number; y: number; width: number; height: number }>();
  for (const node of nodes) boxes.set(node.id, boxOf(node, size(node)));

  // Edges: React Flow's default bezier from the source's right middle to the target's left
  // middle (control points reach out by half the distance, at least 0.25 × 25 × √overshoot).
  ctx.beginPath();
  for (const edge of edges) {
    const a = boxes.get(edge.source);
    const b = boxes.get(edge.target);
    if (!a || !b) continue;
    const sx = a.x + a.width;
    const sy = a.y + a.height / 2;
    const tx = b.x;
    const ty = b.y + b.height / 2;
    if (Math.max(sx, tx) < x0 - 200 || Math.min(sx, tx) > x1 + 200 || Math.max(sy, ty) < y0 || Math.min(sy, ty) > y1) continue;
    const reach = tx >= sx ? 0.5 * (tx - sx) : 6.25 * Math.sqrt(sx - tx);
    ctx.moveTo(sx, sy);
    ctx.bezierCurveTo(sx + reach, sy, tx - reach, ty, tx, ty);
  }
  ctx.lineWidth = 1 / zoom;
  ctx.strokeStyle = EDGE_COLOR;
  ctx.stroke();

  // Nodes: one path per colour; a corner radius only once it is a pixel or more on screen.
  const radius = 6 * zoom >= 1 ? 6 : 0;
  const byColor = new Map<string, N[]>();
  const selected: N[] = [];
  for (const node of nodes) {
    const b = boxes.get(node.id)!;
    if (b.x > x1 || b.x + b.width < x0 || b.y > y1 || b.y + b.height < y0) continue;
    const c = color(node);
    const list = byColor.get(c);
    if (list) list.push(node);
    else byColor.set(c, [node]);
    if (node.selected) selected.push(node);
  }
  for (const [fill, list] of byColor) {
    ctx.beginPath();
    for (const node of list) {
      const b = boxes.get(node.id)!;
      if (radius) ctx.roundRect(b.x, b.y, b.width, b.height, radius);
      else ctx.rect(b.x, b.y, b.width, b.height);
    }
    ctx.fillStyle = fill;
    ctx.fill();
  }
  if (selected.length > 0) {
    // Two screen pixels outside the box, so a box a few pixels tall stays visible inside it.
    const pad = 2 / zoom;
    ctx.beginPath();
    for (const node of selected) {
      const b = boxes.get(node.id)!;
      ctx.rect(b.x - pad, b.y - pad, b.width + 2 * pad, b.height + 2 * pad);
    }
    ctx.lineWidth = 2 / zoom;
    ctx.strokeStyle = SELECTED_COLOR;
    ctx.stroke();
  }
  el.dataset.drawn = String(nodes.length);
}
