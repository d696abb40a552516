"use client";
/**
 * Every drawn edge of a canvas in one SVG, under the nodes (in React Flow's edge-label layer,
 * which sits between its edges and its nodes).
 *
 * React Flow draws each edge as its own absolutely positioned <svg> with a z-index: a stacking
 * context and its own paint chunks per edge, and a store subscription per edge. At card zoom
 * with ~200 edges in view that was ~3 ms of painting and layerizing on every frame of a node
 * drag, plus a selector per edge on every store update. Here the edges are paths of one SVG:
 * a moved node repaints only its own edges' paths, and only those re-render.
 *
 * React Flow is given only the selected edges, hidden (see `flowEdges`): it still deletes them
 * with the Delete key and clears their selection on a pane click. Drawing and picking (click,
 * or Enter/Space on a focused edge) are here.
 */
import { EdgeLabelRenderer, getBezierPath, Position, type Edge, type Node } from "@xyflow/react";
import { memo, useMemo, useRef, type KeyboardEvent, type MouseEvent } from "react";
import { HANDLE_PX, type NodeSize } from "./render-window";
import "./edge-layer.css";

/** A request to select `id`; `additive` keeps the current selection (a modifier key was held). */
export type EdgeSelect = (id: string, additive: boolean) => void;

interface EdgeEndsNode {
  position: { x: number; y: number };
  measured?: { width?: number; height?: number };
  width?: number;
  height?: number;
}

/** How far below the lower of its two cards a backward edge runs. */
export const BACK_EDGE_CLEARANCE = 36;
/** How far a backward edge swings out of a handle before turning. */
const BACK_EDGE_REACH = 48;

/**
 * The path of an edge from `source`'s right handle to `target`'s left handle: the handles are
 * HANDLE_PX boxes centred on the card's side edges, and an edge ends at a box's outer side
 * (React Flow's getHandlePosition). A forward edge is the bezier React Flow would draw. A
 * backward edge (its target's left side not right of its source's right side — a cycle's
 * closing edge, or a node dragged left of its upstream) would run behind both cards and
 * show only as two stubs; it swings out of the source, runs below both cards and swings back
 * into the target, so it is seen whole.
 */
export function edgePath(source: EdgeEndsNode, sourceSize: NodeSize, target: EdgeEndsNode, targetSize: NodeSize): string {
  const sw = source.measured?.width ?? source.width ?? sourceSize.width;
  const sh = source.measured?.height ?? source.height ?? sourceSize.height;
  const th = target.measured?.height ?? target.height ?? targetSize.height;
  const sx = source.position.x + sw + HANDLE_PX / 2;
  const sy = source.position.y + sh / 2;
  const tx = target.position.x - HANDLE_PX / 2;
  const ty = target.position.y + th / 2;
  if (tx < sx + HANDLE_PX) {
    const below = Math.max(source.position.y + sh, target.position.y + th) + BACK_EDGE_CLEARANCE;
    const out = sx + BACK_EDGE_REACH;
    const back = tx - BACK_EDGE_REACH;
    return `M${sx},${sy} C${out},${sy} ${out},${below} ${sx},${below} L${tx},${below} C${back},${below} ${back},${ty} ${tx},${ty}`;
  }
  const [d] = getBezierPath({ sourceX: sx, sourceY: sy, sourcePosition: Position.Right, targetX: tx, targetY: ty, targetPosition: Position.Left });
  return d;
}

interface PathProps {
  id: string;
  source: string;
  target: string;
  d: string;
  selected: boolean;
  invalid: boolean;
  onSelect?: EdgeSelect;
}

const EdgePath = memo(function EdgePath({ id, source, target, d, selected, invalid, onSelect }: PathProps) {
  const pick = onSelect
    ? {
        onClick: (event: MouseEvent) => onSelect(id, event.shiftKey || event.metaKey || event.ctrlKey),
        onKeyDown: (event: KeyboardEvent) => {
          if (event.key !== "Enter" && event.key !== " ") return;
          event.preventDefault();
          onSelect(id, event.shiftKey || event.metaKey || event.ctrlKey);
        },
        tabIndex: 0,
        role: "button",
      }
    : { role: "img" };
  return (
    // `nopan`: a press on an edge doesn't start a pan (React Flow's zoom filter skips it).
    <g
      className={`baton-edge nopan${selected ? " selected" : ""}${invalid ? " invalid" : ""}${onSelect ? " selectable" : ""}`}
      data-testid={`edge-${id}`}
      aria-label={`Edge from ${source} to ${target}${invalid ? " (closes a cycle)" : ""}`}
      {...pick}
    >
      <path d={d} className="baton-edge-path" />
      {/* A wide invisible stroke, so a 1 px line is easy to click. */}
      {onSelect ? <path d={d} className="baton-edge-hit" /> : null}
    </g>
  );
});

interface Cached<N> {
  source: N;
  target: N;
  d: string;
}

const samePaths = (a: { paths: PathProps[] }, b: { paths: PathProps[] }) =>
  a.paths.length === b.paths.length &&
  a.paths.every((p, i) => {
    const q = b.paths[i];
    return p.id === q.id && p.d === q.d && p.selected === q.selected && p.invalid === q.invalid && p.onSelect === q.onSelect;
  });

/** One SVG of edge paths; re-rendered only when one of its paths changed. */
const EdgeSvg = memo(function EdgeSvg({ paths, label }: { paths: PathProps[]; label: string }) {
  return (
    <svg className="baton-edges" aria-label={label}>
      {paths.map((p) => (
        <EdgePath key={p.id} {...p} />
      ))}
    </svg>
  );
}, samePaths);

/**
 * The edges `edges` between `nodes`, sized by `size` where not measured. An edge whose end is
 * not among `nodes` is not drawn. `onSelect` makes edges clickable and focusable.
 *
 * The edges of nodes being dragged are drawn in an SVG of their own: a drag frame changes only
 * that small SVG, and Chromium repaints the SVG whose path changed — with every edge in one
 * SVG, each frame of a node drag repainted them all (~1.3 ms of a 7 ms frame at 100 nodes).
 */
function EdgeLayerInner<N extends Node, E extends Edge>({ nodes, edges, size, onSelect }: { nodes: readonly N[]; edges: readonly E[]; size: (node: N) => NodeSize; onSelect?: EdgeSelect }) {
  const byId = useMemo(() => new Map(nodes.map((n) => [n.id, n])), [nodes]);
  // An edge's path is recomputed only when one of its end nodes is a new object (moved,
  // resized, edited); a drag frame replaces only the dragged node.
  const paths = useRef(new WeakMap<E, Cached<N>>());
  const still: PathProps[] = [];
  const moving: PathProps[] = [];
  for (const edge of edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) continue;
    let cached = paths.current.get(edge);
    if (!cached || cached.source !== source || cached.target !== target) {
      cached = { source, target, d: edgePath(source, size(source), target, size(target)) };
      paths.current.set(edge, cached);
    }
    const invalid = (edge.data as { invalid?: unknown } | undefined)?.invalid === true;
    const drawn = { id: edge.id, source: edge.source, target: edge.target, d: cached.d, selected: edge.selected === true, invalid, onSelect };
    (source.dragging || target.dragging ? moving : still).push(drawn);
  }
  return (
    <EdgeLabelRenderer>
      <EdgeSvg paths={still} label="Edges" />
      {moving.length > 0 ? <EdgeSvg paths={moving} label="Edges of the dragged nodes" /> : null}
    </EdgeLabelRenderer>
  );
}

export const EdgeLayer = memo(EdgeLayerInner) as typeof EdgeLayerInner;

/**
 * What React Flow gets of `edges`: only the selected ones, hidden (it draws none), so that
 * its Delete key and pane-click deselection still cover them. Hidden copies are kept per edge
 * object, so an unchanged selection hands React Flow the same array.
 */
export function useFlowEdges<E extends Edge>(edges: readonly E[]): E[] {
  const hidden = useRef(new WeakMap<E, E>());
  const last = useRef<E[]>([]);
  return useMemo(() => {
    const next: E[] = [];
    for (const edge of edges) {
      if (!edge.selected) continue;
      let h = hidden.current.get(edge);
      if (!h) {
        h = { ...edge, hidden: true };
        hidden.current.set(edge, h);
      }
      next.push(h);
    }
    const prev = last.current;
    if (next.length === prev.length && next.every((e, i) => e === prev[i])) return prev;
    last.current = next;
    return next;
  }, [edges]);
}
