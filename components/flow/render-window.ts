"use client";
/**
 * Viewport culling with hysteresis for large flows.
 *
 * React Flow's `onlyRenderVisibleElements` re-derives the mounted set from the exact viewport
 * on every viewport change, so a pan mounts and unmounts nodes at the view's edges on almost
 * every frame — and each mount costs a React render, a ResizeObserver measurement and a store
 * update that re-runs every node's and edge's selector. Instead, nodes outside the mounted
 * set are passed to React Flow as `hidden`, and the set follows the view with hysteresis:
 * it is brought up to date only when the view comes within a slack of the area it covers
 * (the view plus a margin), nodes that enter the margin are mounted a batch per frame,
 * nearest first (nodes inside the view at once), and mounted nodes are only unmounted once
 * they are well outside the view. A pan then mounts a few batches every few hundred pixels
 * instead of a few nodes on every frame, and unmounts almost nothing.
 *
 * React Flow is given only the mounted nodes, plus (hidden) the selected nodes: it runs a
 * wrapper per node it holds, so holding all of a large flow made every store update cost a
 * selector per node. Fitting the view therefore goes through `useFitAll` (bounds of every
 * node), not React Flow's fitView. Every node carries static handle bounds (`handles`) and
 * its card size, so React Flow measures nothing when it mounts. The edges returned are those
 * that can show inside the margin (and the selected ones), for the edge layer
 * (edge-layer.tsx) to draw.
 */
import { getViewportForBounds, Position, useReactFlow, useStoreApi, type Edge, type Node, type NodeHandle, type ReactFlowState, type Viewport } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ViewportFeed } from "./viewport-feed";

/** Axis-aligned box in flow coordinates. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface NodeSize {
  width: number;
  height: number;
}

/** Screen pixels around the view whose nodes are mounted ahead of a pan. */
const MARGIN_PX = 300;
/** A mounted node stays mounted until it is this far (screen pixels) outside the view. */
const KEEP_PX = 900;
/** The mounted set is brought up to date when the view comes this close to its margin's edge. */
const SLACK_PX = 150;
/**
 * Nodes mounted (and unmounted) per frame ahead of need, nearest first: a mount costs a
 * React render, a ResizeObserver measurement and a store update, so a strip of a hundred
 * nodes at once is a long frame. Nodes inside the view are mounted at once.
 */
const BATCH = 40;
/** Size of a handle box (the card's `!h-2.5 !w-2.5`). */
export const HANDLE_PX = 10;

/** The flow area a pane of `width` × `height` shows at `viewport`. */
export function viewBox({ x, y, zoom }: Viewport, width: number, height: number): Box | null {
  if (!width || !height || !zoom) return null;
  return { x0: -x / zoom, y0: -y / zoom, x1: (width - x) / zoom, y1: (height - y) / zoom };
}

export function expand(b: Box, by: number): Box {
  return { x0: b.x0 - by, y0: b.y0 - by, x1: b.x1 + by, y1: b.y1 + by };
}

const contains = (outer: Box, inner: Box) => inner.x0 >= outer.x0 && inner.y0 >= outer.y0 && inner.x1 <= outer.x1 && inner.y1 <= outer.y1;
const intersects = (a: Box, b: Box) => a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
const area = (b: Box) => (b.x1 - b.x0) * (b.y1 - b.y0);
/** Distance between two boxes (0 when they overlap). */
const gap = (a: Box, b: Box) => Math.hypot(Math.max(0, a.x0 - b.x1, b.x0 - a.x1), Math.max(0, a.y0 - b.y1, b.y0 - a.y1));

/**
 * Whether the mounted set must be updated for `view`: the view plus its slack left the area
 * known to be fully mounted, or (after zooming in) that area is far larger than needed.
 */
export function needsStep(covered: Box | null, view: Box, zoom: number): boolean {
  if (!covered) return true;
  return !contains(covered, expand(view, SLACK_PX / zoom)) || area(covered) > 4 * area(expand(view, MARGIN_PX / zoom));
}

export interface StepResult {
  shown: Set<string>;
  changed: boolean;
  /** More to mount or unmount: run another step next frame. */
  more: boolean;
}

/**
 * One update of the mounted set for `view`: every node inside the view, up to BATCH more
 * nodes inside the margin (nearest first), and up to BATCH fewer nodes beyond the keep
 * distance.
 */
export function stepMounted<N extends Node>(nodes: readonly N[], shown: ReadonlySet<string>, view: Box, zoom: number, size: (node: N) => NodeSize): StepResult {
  const inner = expand(view, MARGIN_PX / zoom);
  const keep = expand(view, KEEP_PX / zoom);
  const next = new Set(shown);
  let changed = false;
  const wanted: { id: string; d: number }[] = [];
  const far: string[] = [];
  for (const node of nodes) {
    const box = nodeBox(node, size(node));
    if (shown.has(node.id)) {
      if (!intersects(keep, box)) far.push(node.id);
    } else if (intersects(view, box)) {
      next.add(node.id);
      changed = true;
    } else if (intersects(inner, box)) {
      wanted.push({ id: node.id, d: gap(view, box) });
    }
  }
  wanted.sort((a, b) => a.d - b.d);
  for (const { id } of wanted.slice(0, BATCH)) next.add(id);
  for (const id of far.slice(0, BATCH)) next.delete(id);
  changed ||= wanted.length > 0 || far.length > 0;
  return { shown: next, changed, more: wanted.length > BATCH || far.length > BATCH };
}

function nodeBox(node: Node, fallback: NodeSize): Box {
  const width = node.measured?.width ?? node.width ?? fallback.width;
  const height = node.measured?.height ?? node.height ?? fallback.height;
  return { x0: node.position.x, y0: node.position.y, x1: node.position.x + width, y1: node.position.y + height };
}

/**
 * Handles where the card draws them: one target centred on the left edge, one source centred
 * on the right edge (React Flow's handle-left/right classes centre the box on the edge).
 */
function cardHandles(size: NodeSize): NodeHandle[] {
  const y = size.height / 2 - HANDLE_PX / 2;
  return [
    { id: null, type: "target", position: Position.Left, x: -HANDLE_PX / 2, y, width: HANDLE_PX, height: HANDLE_PX },
    { id: null, type: "source", position: Position.Right, x: size.width - HANDLE_PX / 2, y, width: HANDLE_PX, height: HANDLE_PX },
  ];
}

interface Variants<N> {
  shown: N;
  hidden: N;
}

/**
 * The nodes to hand React Flow: those in the render window, and the selected ones (hidden when
 * outside it); and the edges that may show inside the window, for the edge layer.
 * `cardSize(node)` is a node's size before it is measured. With `enabled` false, everything is
 * shown (small flows). The view comes from `feed` when the canvas has one (drag-pans bypass
 * the store), else from React Flow's store.
 */
export function useRenderWindow<N extends Node, E extends Edge>(
  nodes: N[],
  edges: E[],
  cardSize: (node: N) => NodeSize,
  enabled: boolean,
  feed: ViewportFeed | null,
  overview = false,
): { nodes: N[]; edges: E[]; mounted: ReadonlySet<string> | null } {
  const store = useStoreApi();
  // The mounted set and the area it fully covers live in refs (updated outside React's
  // render, one frame at a time); `version` re-renders the canvas when the set changes.
  const mounted = useRef<{ shown: Set<string>; covered: Box | null; target: Box | null } | null>(null);
  const [, setVersion] = useState(0);
  const latest = useRef({ nodes, cardSize });
  latest.current = { nodes, cardSize };

  useEffect(() => {
    // In the overview (overview-layer.tsx) no card is mounted; leaving it starts afresh.
    if (!enabled || overview) {
      mounted.current = null;
      return;
    }
    let frame = 0;
    const step = () => {
      frame = 0;
      const s = store.getState();
      const vp = feed ? feed.get() : { x: s.transform[0], y: s.transform[1], zoom: s.transform[2] };
      const view = viewBox(vp, s.width, s.height);
      if (!view) return;
      const current = mounted.current ?? { shown: new Set<string>(), covered: null, target: null };
      const result = stepMounted(latest.current.nodes, current.shown, view, vp.zoom, latest.current.cardSize);
      const target = expand(view, MARGIN_PX / vp.zoom);
      mounted.current = { shown: result.shown, covered: result.more ? current.covered : target, target };
      if (result.changed) setVersion((v) => v + 1);
      if (result.more) frame = requestAnimationFrame(step);
    };
    const check = (force: boolean) => {
      if (frame) return;
      const s = store.getState();
      const vp = feed ? feed.get() : { x: s.transform[0], y: s.transform[1], zoom: s.transform[2] };
      const view = viewBox(vp, s.width, s.height);
      if (!view) return;
      if (force || needsStep(mounted.current?.covered ?? null, view, vp.zoom)) frame = requestAnimationFrame(step);
    };
    // Before the first frame's paint when the view is known (the first mount and zooming
    // out show nodes inside the view at once).
    const onChange = () => check(false);
    check(true);
    const unsubscribeStore = store.subscribe(onChange);
    const unsubscribeFeed = feed?.subscribe(onChange);
    return () => {
      cancelAnimationFrame(frame);
      unsubscribeStore();
      unsubscribeFeed?.();
    };
  }, [store, feed, enabled, overview]);

  const m = mounted.current;

  // The same array while the same edges pass: the edge layer then re-renders only for moved
  // nodes. Recomputed when the edges or the mounted area change, not when a node moves: a
  // dragged node is mounted, so its edges pass already (its area intersects the window).
  const lastEdges = useRef<E[]>([]);
  const target = m?.target ?? null;
  const renderEdges = useMemo(() => {
    const next = !enabled ? edges : overview ? edges.filter((e) => e.selected) : edgesInWindow(edges, latest.current.nodes, target, cardSize);
    const prev = lastEdges.current;
    if (next.length === prev.length && next.every((e, i) => e === prev[i])) return prev;
    lastEdges.current = next;
    return next;
  }, [edges, target, enabled, overview, cardSize]);
  // Per node object, its shown and hidden variants: a node whose side of the window didn't
  // change keeps its identity, so React Flow re-renders only the nodes that crossed.
  // Nodes outside the window are passed (hidden) only when selected (deletion goes through
  // React Flow's selection); React Flow draws no edge (edge-layer.tsx), so no edge needs its
  // ends. React Flow runs a node wrapper (a store subscription and a fiber) per node it is
  // given, hidden or not: with every node passed, each store update of a drag re-ran 2000
  // selectors.
  const variants = useRef(new WeakMap<N, Variants<N>>());
  const renderNodes = useMemo(() => {
    const out: N[] = [];
    for (const node of nodes) {
      let v = variants.current.get(node);
      if (!v) {
        const size = cardSize(node);
        // The card's size is known: given as `measured`, React Flow's measuring pass on mount
        // finds nothing changed and sends no dimension change (which made the editor store
        // rebuild its canvas nodes once per mounted batch).
        const shown = { ...node, handles: cardHandles(size), measured: node.measured ?? size };
        v = { shown, hidden: { ...shown, hidden: true } };
        variants.current.set(node, v);
      }
      let show: boolean;
      if (!enabled || node.dragging) show = true;
      else if (overview || !m) show = false;
      // Nodes added or moved into the covered area since the last step are shown too.
      else show = node.selected === true || m.shown.has(node.id) || (m.covered !== null && intersects(m.covered, nodeBox(node, cardSize(node))));
      if (show) out.push(v.shown);
      else if (node.selected) out.push(v.hidden);
    }
    return out;
  }, [nodes, m, enabled, overview, cardSize]);

  return { nodes: renderNodes, edges: renderEdges, mounted: m?.shown ?? null };
}

function edgesInWindow<N extends Node, E extends Edge>(edges: E[], nodes: N[], win: Box | null, cardSize: (node: N) => NodeSize): E[] {
  if (!win) return edges.filter((e) => e.selected);
  const boxes = new Map<string, Box>();
  for (const node of nodes) boxes.set(node.id, nodeBox(node, cardSize(node)));
  return edges.filter((edge) => {
    if (edge.selected) return true;
    const a = boxes.get(edge.source);
    const b = boxes.get(edge.target);
    if (!a || !b) return false;
    // A bezier from a right handle to a left handle stays within its end nodes' boxes, but
    // for a backward edge (target left of source), whose control points reach out
    // horizontally by React Flow's 0.25 × 25 × √distance.
    const back = Math.max(0, a.x1 - b.x0);
    const pad = back > 0 ? 6.25 * Math.sqrt(back) : 0;
    const span = { x0: Math.min(a.x0, b.x0) - pad, y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1) + pad, y1: Math.max(a.y1, b.y1) };
    return intersects(win, span);
  });
}

export interface FitAllOptions {
  padding: number;
  maxZoom: number;
  duration?: number;
}

/**
 * A fit of the view to every node of `getNodes()` (not only those React Flow holds), sized
 * by `cardSize` where not measured.
 */
/** The returned fit resolves once the viewport is where it fits (after its animation, if any). */
export function useFitAll<N extends Node>(getNodes: () => readonly N[], cardSize: (node: N) => NodeSize): (options: FitAllOptions) => Promise<void> {
  const store = useStoreApi();
  const { setViewport } = useReactFlow();
  const latest = useRef({ getNodes, cardSize });
  latest.current = { getNodes, cardSize };
  return useCallback(
    async ({ padding, maxZoom, duration }: FitAllOptions): Promise<void> => {
      const s = store.getState();
      const nodes = latest.current.getNodes();
      if (!s.width || !s.height || nodes.length === 0) return;
      let bounds: Box | null = null;
      for (const node of nodes) {
        const b = nodeBox(node, latest.current.cardSize(node));
        bounds = bounds ? { x0: Math.min(bounds.x0, b.x0), y0: Math.min(bounds.y0, b.y0), x1: Math.max(bounds.x1, b.x1), y1: Math.max(bounds.y1, b.y1) } : b;
      }
      if (!bounds) return;
      const rect = { x: bounds.x0, y: bounds.y0, width: bounds.x1 - bounds.x0, height: bounds.y1 - bounds.y0 };
      await setViewport(getViewportForBounds(rect, s.width, s.height, s.minZoom, Math.min(maxZoom, s.maxZoom), padding), { duration });
    },
    [store, setViewport],
  );
}

/**
 * Runs `fit` once the pane has a size — instead of React Flow's `fitView` prop, which waits
 * for visible nodes to be measured and, when every node starts hidden (no render window
 * before the view is known), runs before the pane exists and is dropped.
 */
export function useFitOnMount(fit: () => void): void {
  const store = useStoreApi();
  const initial = useRef(fit);
  useEffect(() => {
    let done = false;
    let frame = 0;
    const tryFit = (s: ReactFlowState) => {
      if (done || !s.panZoom || !s.width || !s.height) return;
      done = true;
      unsubscribe();
      // A frame later: a controlled viewport is synced into the new panZoom by an effect of
      // the render that follows its creation (React Flow's useViewportSync), which would
      // reset a fit made before it to the controlled value.
      frame = requestAnimationFrame(() => initial.current());
    };
    const unsubscribe = store.subscribe(tryFit);
    tryFit(store.getState());
    return () => {
      done = true;
      cancelAnimationFrame(frame);
      unsubscribe();
    };
  }, [store]);
}
