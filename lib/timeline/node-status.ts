/**
 * Each node's overlay on the run graph (state, attempt, elapsed), from its steps. Pure.
 *
 * An arena is several steps (contestants + select) but one node: it shows its select step's
 * state, except that while the select step has not started the node is "running" if any
 * contestant runs (or "failed" if every contestant failed and nothing is left to run).
 */
import type { StepDto } from "../client/run-types";

export interface NodeOverlay {
  state: string;
  attempt: number;
  elapsedMs?: number;
}

export function nodeOverlays(steps: readonly StepDto[], now: number): Map<string, NodeOverlay> {
  const byNode = new Map<string, StepDto[]>();
  for (const step of steps) {
    const list = byNode.get(step.nodeId) ?? [];
    list.push(step);
    byNode.set(step.nodeId, list);
  }
  const out = new Map<string, NodeOverlay>();
  for (const [nodeId, nodeSteps] of byNode) {
    const primary = nodeSteps.find((s) => s.role !== "contestant") ?? nodeSteps[0];
    const contestants = nodeSteps.filter((s) => s.role === "contestant");
    let state: string = primary.state;
    if ((state === "pending" || state === "ready") && contestants.length > 0) {
      if (contestants.some((c) => c.state === "running" || c.state === "ready")) state = "running";
      else if (contestants.every((c) => c.state === "failed")) state = "failed";
    }
    const starts = nodeSteps.flatMap((s) => (s.startedAt ? [Date.parse(s.startedAt)] : []));
    const active = nodeSteps.some((s) => s.state === "running" || s.state === "waiting" || (s.startedAt && !s.finishedAt));
    const ends = nodeSteps.flatMap((s) => (s.finishedAt ? [Date.parse(s.finishedAt)] : []));
    const overlay: NodeOverlay = { state, attempt: Math.max(...nodeSteps.map((s) => s.attempt), 0) };
    if (starts.length > 0) {
      const start = Math.min(...starts);
      const end = active || ends.length === 0 ? now : Math.max(...ends);
      overlay.elapsedMs = Math.max(0, end - start);
    }
    out.set(nodeId, overlay);
  }
  return out;
}

/**
 * The step a click on a node means: an arena's waiting select (to pick), else its winner,
 * else a contestant still running, else its first contestant; a plain node's only step.
 */
export function stepForNode(steps: readonly StepDto[], nodeId: string): StepDto | undefined {
  const nodeSteps = steps.filter((s) => s.nodeId === nodeId);
  const select = nodeSteps.find((s) => s.role === "select");
  const winner = select?.winner ? nodeSteps.find((s) => s.key === select.winner) : undefined;
  return (
    nodeSteps.find((s) => s.state === "waiting") ??
    winner ??
    nodeSteps.find((s) => s.role === "contestant" && s.state === "running") ??
    nodeSteps.find((s) => s.role !== "select") ??
    nodeSteps[0]
  );
}
