import { getBezierPath, Position } from "@xyflow/react";
import { describe, expect, it } from "vitest";
import { BACK_EDGE_CLEARANCE, edgePath } from "./edge-layer";

const size = { width: 240, height: 84 };
const at = (x: number, y: number) => ({ position: { x, y } });

/** The numbers of a path's first (M) and last points. */
function ends(d: string): { start: number[]; end: number[] } {
  const numbers = d.match(/-?\d+(\.\d+)?/g)!.map(Number);
  return { start: numbers.slice(0, 2), end: numbers.slice(-2) };
}

describe("edgePath", () => {
  it("runs from the outer side of the source's right handle to the outer side of the target's left handle", () => {
    const d = edgePath(at(0, 0), size, at(300, 150), size);
    // Handles are 10 px boxes centred on the card's sides, at half its height.
    expect(ends(d)).toEqual({ start: [245, 42], end: [295, 192] });
    expect(d).toBe(
      getBezierPath({ sourceX: 245, sourceY: 42, sourcePosition: Position.Right, targetX: 295, targetY: 192, targetPosition: Position.Left })[0],
    );
  });

  it("uses a node's measured size over the fallback", () => {
    const measured = { ...at(0, 0), measured: { width: 200, height: 100 } };
    expect(ends(edgePath(measured, size, at(300, 0), size)).start).toEqual([205, 50]);
    expect(ends(edgePath(at(0, 0), size, { ...at(300, 0), measured: { width: 200, height: 120 } }, size)).end).toEqual([295, 60]);
  });

  it("routes an edge to a node on the left out, below both cards and back in, not behind them", () => {
    const d = edgePath(at(600, 0), size, at(0, 20), size);
    expect(ends(d)).toEqual({ start: [845, 42], end: [-5, 62] });
    const numbers = d.match(/-?\d+(\.\d+)?/g)!.map(Number);
    const xs = numbers.filter((_, i) => i % 2 === 0);
    const ys = numbers.filter((_, i) => i % 2 === 1);
    // It swings right of the source and left of the target…
    expect(Math.max(...xs)).toBeGreaterThan(845);
    expect(Math.min(...xs)).toBeLessThan(-5);
    // …and its run between them is below the lower card (bottom 104), where it can be seen.
    expect(d).toContain(`L-5,${104 + BACK_EDGE_CLEARANCE}`);
    expect(Math.max(...ys)).toBe(104 + BACK_EDGE_CLEARANCE);
  });
});
