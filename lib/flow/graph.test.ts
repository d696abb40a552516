import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { findCycle, topologicalOrder, wouldCreateCycle } from "./graph";

const e = (from: string, to: string) => ({ from, to });

describe("graph", () => {
  it("finds no cycle in a DAG and orders it topologically", () => {
    const ids = ["a", "b", "c", "d"];
    const edges = [e("a", "b"), e("a", "c"), e("b", "d"), e("c", "d")];
    expect(findCycle(ids, edges)).toBeNull();
    const order = topologicalOrder(ids, edges);
    for (const edge of edges) expect(order.indexOf(edge.from)).toBeLessThan(order.indexOf(edge.to));
  });

  it("returns a closed cycle path", () => {
    const cycle = findCycle(["a", "b", "c", "d"], [e("a", "b"), e("b", "c"), e("c", "d"), e("d", "b")]);
    expect(cycle).toEqual(["b", "c", "d", "b"]);
  });

  it("refuses connections that would close a cycle", () => {
    const ids = ["a", "b", "c"];
    const edges = [e("a", "b"), e("b", "c")];
    expect(wouldCreateCycle(ids, edges, "c", "a")).toBe(true);
    expect(wouldCreateCycle(ids, edges, "b", "b")).toBe(true);
    expect(wouldCreateCycle(ids, edges, "a", "c")).toBe(false);
  });

  it("agrees with findCycle on random graphs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })), { maxLength: 30 }),
          ),
        ),
        ([n, pairs]) => {
          const ids = Array.from({ length: n }, (_, i) => `n${i}`);
          const edges: Array<{ from: string; to: string }> = [];
          for (const [from, to] of pairs) {
            const refused = wouldCreateCycle(ids, edges, ids[from], ids[to]);
            const candidate = [...edges, e(ids[from], ids[to])];
            expect(refused).toBe(findCycle(ids, candidate) !== null);
            if (!refused) edges.push(e(ids[from], ids[to]));
          }
          expect(findCycle(ids, edges)).toBeNull();
          expect(topologicalOrder(ids, edges)).toHaveLength(n);
        },
      ),
    );
  });
});
