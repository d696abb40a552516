/**
 * Where a node added by a click goes. Pure.
 *
 * Invariant: the new card overlaps no existing card (with GAP to spare). Added after a
 * selected node, it goes one column to its right (where auto-layout would put it), at the
 * selected node's height or the nearest free row below or above it; otherwise at the desired
 * point (the view's centre) or the nearest free spot around it.
 */
import type { FlowDocument } from "../flow/document";
import { DEFAULT_NODE_SIZE } from "./layout";
import type { Size, XY } from "./types";

/** Space kept between cards, and between a node and the one added after it. */
export const GAP = 32;
export const COLUMN_GAP = 72;

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width + GAP && b.x < a.x + a.width + GAP && a.y < b.y + b.height + GAP && b.y < a.y + a.height + GAP;
}

function rectsOf(doc: FlowDocument, measured: ReadonlyMap<string, Size>): Rect[] {
  return doc.nodes.map((n) => ({ ...(n.position ?? { x: 0, y: 0 }), ...(measured.get(n.id) ?? DEFAULT_NODE_SIZE) }));
}

/** How many candidate spots are tried before giving up on a free one (then the last is used). */
const MAX_TRIES = 400;

/**
 * The first free spot among `candidates`; `candidates` yields spots in order of preference.
 */
function firstFree(rects: Rect[], size: Size, candidates: Iterable<XY>): XY {
  let last: XY = { x: 0, y: 0 };
  let tries = 0;
  for (const spot of candidates) {
    last = spot;
    if (!rects.some((r) => overlaps(r, { ...spot, ...size }))) return spot;
    if (++tries >= MAX_TRIES) break;
  }
  return last;
}

/** Rows at the same x: 0, +1, −1, +2, −2… steps of one card height and a gap. */
function* rowsAround(origin: XY, step: number): Generator<XY> {
  yield origin;
  for (let i = 1; ; i++) {
    yield { x: origin.x, y: origin.y + i * step };
    yield { x: origin.x, y: origin.y - i * step };
  }
}

/** Rings of spots around `origin`, nearest first, on a grid of one card plus a gap. */
function* ringsAround(origin: XY, size: Size): Generator<XY> {
  const dx = size.width + GAP;
  const dy = size.height + GAP;
  yield origin;
  for (let ring = 1; ; ring++) {
    const spots: XY[] = [];
    for (let i = -ring; i <= ring; i++) {
      for (let j = -ring; j <= ring; j++) {
        if (Math.max(Math.abs(i), Math.abs(j)) !== ring) continue;
        spots.push({ x: origin.x + i * dx, y: origin.y + j * dy });
      }
    }
    spots.sort((a, b) => Math.hypot(a.x - origin.x, a.y - origin.y) - Math.hypot(b.x - origin.x, b.y - origin.y));
    yield* spots;
  }
}

/**
 * The top-left corner for a new card: after `afterId` (one column to its right) when given
 * and present, else centred on `centre`; moved to the nearest spot that overlaps no card.
 */
export function placeNewNode(
  doc: FlowDocument,
  measured: ReadonlyMap<string, Size>,
  centre: XY,
  afterId?: string,
  size: Size = DEFAULT_NODE_SIZE,
): XY {
  const rects = rectsOf(doc, measured);
  const after = afterId ? doc.nodes.find((n) => n.id === afterId) : undefined;
  const round = (p: XY): XY => ({ x: Math.round(p.x), y: Math.round(p.y) });
  if (after) {
    const at = after.position ?? { x: 0, y: 0 };
    const afterSize = measured.get(after.id) ?? DEFAULT_NODE_SIZE;
    const origin = { x: at.x + afterSize.width + COLUMN_GAP, y: at.y + (afterSize.height - size.height) / 2 };
    return round(firstFree(rects, size, rowsAround(origin, size.height + GAP)));
  }
  const origin = { x: centre.x - size.width / 2, y: centre.y - size.height / 2 };
  return round(firstFree(rects, size, ringsAround(origin, size)));
}
