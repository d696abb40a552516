/**
 * Which commits make a run's result, and which steps' work it carries. Pure.
 *
 * - The flow's sinks are the nodes no other node runs after.
 * - The result's sources are the sinks' nearest result commits, by the same walk that
 *   decides where a code step starts (engine/lineage.ts): a sink without a commit (an
 *   approval, a concat fold over text, a failed or skipped step) is seen through its
 *   upstream nodes. One source → the result is that commit; several → their merge.
 * - Only a *succeeded* step's commit counts: a failed, canceled or re-running step is walked
 *   through like a node without a commit, so a failed run's partial result is exactly what
 *   succeeded before the failure.
 * - The series (for format-patch) is every succeeded code step at or above a source, in plan
 *   order, that changed something (result ≠ start): an arena contributes its winner.
 */
import type { StepState } from "../db/schema";
import { upstreamSources, type LineageNode } from "../engine/lineage";

export interface ResultStepInput {
  key: string;
  nodeId: string;
  role: string;
  state: StepState;
  /** The node's direct upstream node ids (spec.upstream). */
  upstream: string[];
  startCommit: string | null;
  resultCommit: string | null;
  winner: string | null;
  attempt: number;
  profile: string | null;
  model: string | null;
  prompt: string | null;
  summary: string | null;
}

export interface SeriesStep {
  key: string;
  nodeId: string;
  attempt: number;
  startCommit: string;
  resultCommit: string;
  profile: string | null;
  model: string | null;
  prompt: string | null;
  summary: string | null;
}

export interface ResultPlan {
  sinks: string[];
  sources: Array<{ nodeId: string; key: string; commit: string }>;
  series: SeriesStep[];
}

/** `steps` in plan order (dependencies first), contestants included. */
export function planResult(steps: readonly ResultStepInput[]): ResultPlan {
  const nodes = steps.filter((s) => s.role !== "contestant");
  const byNode = new Map(nodes.map((s) => [s.nodeId, s]));
  const lineage = new Map<string, LineageNode>(
    nodes.map((s) => [s.nodeId, { resultCommit: s.state === "succeeded" ? s.resultCommit : null, upstream: s.upstream }]),
  );
  const downstream = new Set(nodes.flatMap((s) => s.upstream));
  const sinks = nodes.filter((s) => !downstream.has(s.nodeId)).map((s) => s.nodeId);
  const sources = upstreamSources(sinks, lineage).map((source) => ({ ...source, key: byNode.get(source.nodeId)!.key }));

  const above = new Set<string>();
  const climb = (nodeId: string) => {
    if (above.has(nodeId)) return;
    above.add(nodeId);
    for (const next of byNode.get(nodeId)?.upstream ?? []) climb(next);
  };
  for (const source of sources) climb(source.nodeId);

  const byKey = new Map(steps.map((s) => [s.key, s]));
  const series: SeriesStep[] = [];
  for (const node of nodes) {
    if (!above.has(node.nodeId) || node.state !== "succeeded") continue;
    const worker = node.role === "select" && node.winner ? byKey.get(node.winner) : node;
    if (!worker || worker.state !== "succeeded" || !worker.startCommit || !worker.resultCommit) continue;
    if (worker.startCommit === worker.resultCommit) continue;
    series.push({
      key: worker.key,
      nodeId: worker.nodeId,
      attempt: worker.attempt,
      startCommit: worker.startCommit,
      resultCommit: worker.resultCommit,
      profile: worker.profile,
      model: worker.model,
      prompt: worker.prompt,
      summary: worker.summary,
    });
  }
  return { sinks, sources, series };
}

/** A series step's commit message: what it did, then which agent did it and with what prompt. */
export function seriesMessage(step: SeriesStep, runId: string): string {
  const subject = (step.summary?.trim() || `${step.key}: changes`).split("\n")[0].slice(0, 120);
  const agent = step.profile ? `${step.profile}${step.model ? ` (model ${step.model})` : ""}` : "none";
  const lines = [
    `${step.nodeId}: ${subject}`,
    "",
    `Baton run ${runId}, step ${step.key}, attempt ${step.attempt}`,
    `Profile: ${agent}`,
  ];
  if (step.prompt) lines.push("", "Prompt:", ...step.prompt.split("\n").map((line) => `    ${line}`));
  return lines.join("\n");
}
