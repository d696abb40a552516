/**
 * Graph algorithms over node ids and edges. Pure; used by validation, the editor (refusing
 * cycle-making connections while drawing) and the engine's planner.
 */
import type { FlowEdge } from "./document";

export type Adjacency = Map<string, string[]>;

export function successors(nodeIds: Iterable<string>, edges: readonly FlowEdge[]): Adjacency {
  const out: Adjacency = new Map();
  for (const id of nodeIds) out.set(id, []);
  for (const edge of edges) out.get(edge.from)?.push(edge.to);
  return out;
}

export function predecessors(nodeIds: Iterable<string>, edges: readonly FlowEdge[]): Adjacency {
  const out: Adjacency = new Map();
  for (const id of nodeIds) out.set(id, []);
  for (const edge of edges) out.get(edge.to)?.push(edge.from);
  return out;
}

/** Every node reachable from `start` along `adjacency`, excluding `start` itself. */
export function reachable(adjacency: Adjacency, start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(adjacency.get(start) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const next of adjacency.get(id) ?? []) if (!seen.has(next)) stack.push(next);
  }
  return seen;
}

export interface Cycle {
  /** The closed path [a, b, c, a]. */
  path: string[];
  /** The edge that closes it: found last by the depth-first walk (c → a above). */
  back: FlowEdge;
}

/**
 * Cycles of the graph, one per back edge of a depth-first walk (every cycle contains at least
 * one back edge, so the graph is acyclic exactly when this is empty), at most `limit` of them.
 * Iterative DFS with colours so 5000-node chains don't overflow the stack.
 */
export function findCycles(nodeIds: readonly string[], edges: readonly FlowEdge[], limit = Infinity): Cycle[] {
  const next = successors(nodeIds, edges);
  const colour = new Map<string, 0 | 1 | 2>();
  const parent = new Map<string, string>();
  const cycles: Cycle[] = [];
  for (const root of nodeIds) {
    if (colour.get(root)) continue;
    const stack: Array<{ id: string; i: number }> = [{ id: root, i: 0 }];
    colour.set(root, 1);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const children = next.get(frame.id) ?? [];
      if (frame.i >= children.length) {
        colour.set(frame.id, 2);
        stack.pop();
        continue;
      }
      const child = children[frame.i++];
      const state = colour.get(child) ?? 0;
      if (state === 1) {
        const path = [child];
        for (let at = frame.id; at !== child; at = parent.get(at)!) path.push(at);
        path.push(child);
        cycles.push({ path: path.reverse(), back: { from: frame.id, to: child } });
        if (cycles.length >= limit) return cycles;
      }
      if (state === 0) {
        colour.set(child, 1);
        parent.set(child, frame.id);
        stack.push({ id: child, i: 0 });
      }
    }
  }
  return cycles;
}

/** One cycle as a closed path [a, b, c, a], or null if the graph is acyclic. */
export function findCycle(nodeIds: readonly string[], edges: readonly FlowEdge[]): string[] | null {
  return findCycles(nodeIds, edges, 1)[0]?.path ?? null;
}

/** Would adding from→to close a cycle? True when `from` is reachable from `to` (or equal). */
export function wouldCreateCycle(nodeIds: readonly string[], edges: readonly FlowEdge[], from: string, to: string): boolean {
  if (from === to) return true;
  return reachable(successors(nodeIds, edges), to).has(from);
}

/** Kahn's order; nodes in a cycle are left out (callers validate acyclicity first). */
export function topologicalOrder(nodeIds: readonly string[], edges: readonly FlowEdge[]): string[] {
  const indegree = new Map<string, number>(nodeIds.map((id) => [id, 0]));
  for (const edge of edges) if (indegree.has(edge.to) && indegree.has(edge.from)) indegree.set(edge.to, indegree.get(edge.to)! + 1);
  const next = successors(nodeIds, edges);
  const queue = nodeIds.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    order.push(id);
    for (const child of next.get(id) ?? []) {
      const left = indegree.get(child)! - 1;
      indegree.set(child, left);
      if (left === 0) queue.push(child);
    }
  }
  return order;
}
