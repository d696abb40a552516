import type { Node } from "@xyflow/react";
import { describe, expect, it } from "vitest";
import { CARDS_FROM_ZOOM, nodeAtPoint, OVERVIEW_BELOW_ZOOM, overviewAfter } from "./overview-layer";

const size = () => ({ width: 240, height: 84 });
const node = (id: string, x: number, y: number): Node => ({ id, position: { x, y }, data: {} });
const nodes = [node("a", 0, 0), node("b", 300, 0), node("c", 0, 150)];

describe("nodeAtPoint", () => {
  it("finds the node whose box holds the point", () => {
    expect(nodeAtPoint(nodes, { x: 310, y: 40 }, 1, size)?.id).toBe("b");
    expect(nodeAtPoint(nodes, { x: 10, y: 200 }, 1, size)?.id).toBe("c");
  });

  it("takes the nearest node within a few screen pixels, more flow pixels when zoomed out", () => {
    // 20 flow px right of a's box: 20 screen px at zoom 1, 1 screen px at zoom 0.05.
    expect(nodeAtPoint(nodes, { x: 260, y: 40 }, 1, size)).toBeNull();
    expect(nodeAtPoint(nodes, { x: 260, y: 40 }, 0.05, size)?.id).toBe("a");
    expect(nodeAtPoint(nodes, { x: 285, y: 40 }, 0.05, size)?.id).toBe("b");
  });

  it("finds nothing on empty space", () => {
    expect(nodeAtPoint(nodes, { x: 1000, y: 1000 }, 0.05, size)).toBeNull();
  });
});

describe("overviewAfter", () => {
  it("shows the overview below the threshold and brings the cards back only from a higher zoom", () => {
    expect(overviewAfter(false, OVERVIEW_BELOW_ZOOM + 0.01)).toBe(false);
    expect(overviewAfter(false, OVERVIEW_BELOW_ZOOM - 0.01)).toBe(true);
    // Between the two zooms, whatever shows keeps showing.
    const between = (OVERVIEW_BELOW_ZOOM + CARDS_FROM_ZOOM) / 2;
    expect(overviewAfter(true, between)).toBe(true);
    expect(overviewAfter(false, between)).toBe(false);
    expect(overviewAfter(true, CARDS_FROM_ZOOM)).toBe(false);
  });

  it("is settled after one step: asking again at the same zoom gives the same answer", () => {
    for (const zoom of [0.1, 0.29, 0.3, 0.31, 0.33, 0.5]) {
      for (const before of [false, true]) {
        const once = overviewAfter(before, zoom);
        expect(overviewAfter(once, zoom)).toBe(once);
      }
    }
  });
});
