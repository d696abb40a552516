import { describe, expect, it } from "vitest";
import type { FlowDocument } from "../flow/document";
import { createNode } from "./document-ops";
import { DEFAULT_NODE_SIZE } from "./layout";
import { COLUMN_GAP, GAP, placeNewNode } from "./placement";

const { width: W, height: H } = DEFAULT_NODE_SIZE;

function doc(...at: Array<[string, number, number]>): FlowDocument {
  return { name: "t", inputs: [], nodes: at.map(([id, x, y]) => createNode("agent", id, { x, y })), edges: [] };
}

function overlapsAny(d: FlowDocument, p: { x: number; y: number }): boolean {
  return d.nodes.some((n) => {
    const q = n.position!;
    return p.x < q.x + W + GAP && q.x < p.x + W + GAP && p.y < q.y + H + GAP && q.y < p.y + H + GAP;
  });
}

describe("placeNewNode", () => {
  it("centres the card on the view's centre when that is free", () => {
    expect(placeNewNode(doc(), new Map(), { x: 500, y: 300 })).toEqual({ x: 500 - W / 2, y: 300 - H / 2 });
  });

  it("moves off a card under the centre to the nearest free spot", () => {
    const d = doc(["a", 380, 258]);
    const p = placeNewNode(d, new Map(), { x: 500, y: 300 });
    expect(overlapsAny(d, p)).toBe(false);
    // The nearest ring: one row above or below, not far away.
    expect(Math.abs(p.y - 258)).toBeLessThanOrEqual(H + GAP);
  });

  it("goes one column right of the node it follows, at its height", () => {
    const d = doc(["a", 0, 0]);
    expect(placeNewNode(d, new Map(), { x: 9999, y: 9999 }, "a")).toEqual({ x: W + COLUMN_GAP, y: 0 });
  });

  it("after a node whose right side is taken, takes the nearest free row", () => {
    const d = doc(["a", 0, 0], ["b", W + COLUMN_GAP, 0], ["c", W + COLUMN_GAP, H + GAP]);
    const p = placeNewNode(d, new Map(), { x: 0, y: 0 }, "a");
    expect(p).toEqual({ x: W + COLUMN_GAP, y: -(H + GAP) });
    expect(overlapsAny(d, p)).toBe(false);
  });

  it("uses measured sizes", () => {
    const d = doc(["a", 0, 0]);
    expect(placeNewNode(d, new Map([["a", { width: 400, height: 84 }]]), { x: 0, y: 0 }, "a").x).toBe(400 + COLUMN_GAP);
  });

  it("never lands on a card, however crowded the view", () => {
    const cells: Array<[string, number, number]> = [];
    for (let i = 0; i < 9; i++) cells.push([`n${i}`, (i % 3) * (W + GAP), Math.floor(i / 3) * (H + GAP)]);
    const d = doc(...cells);
    for (const centre of [{ x: 300, y: 150 }, { x: 0, y: 0 }, { x: 700, y: 330 }]) {
      expect(overlapsAny(d, placeNewNode(d, new Map(), centre))).toBe(false);
      expect(overlapsAny(d, placeNewNode(d, new Map(), centre, "n4"))).toBe(false);
    }
  });
});
