/**
 * What each node of a run actually runs with, as the run graph should show it: a step re-run
 * with changes (another profile or prompt) stores its new spec on the step, not in the flow
 * version, so the graph's cards read it from here. How a node's steps map back onto its
 * config is its kind's (`runConfig`, lib/kinds/define.ts). Pure.
 */
import type { StepDto } from "../client/run-types";
import type { FlowDocument } from "../flow/document";
import { definitionOf } from "../kinds";
import type { JsonConfig } from "../kinds/define";

/**
 * Node id → the config the run's steps now carry, only for nodes where that differs from
 * the flow version's config (so an unchanged run yields an empty map and nothing re-renders).
 */
export function runConfigs(doc: FlowDocument, steps: readonly StepDto[]): Map<string, JsonConfig> {
  const out = new Map<string, JsonConfig>();
  for (const node of doc.nodes) {
    const nodeSteps = steps.filter((s) => s.nodeId === node.id);
    if (nodeSteps.length === 0) continue;
    const config = definitionOf(node.kind)?.runConfig(node.config as JsonConfig, nodeSteps);
    if (config) out.set(node.id, config);
  }
  return out;
}

/** A stable text key of `runConfigs`' result, for memoizing on it. */
export const configsKey = (configs: ReadonlyMap<string, JsonConfig>): string => JSON.stringify([...configs]);
