/**
 * What each node of a run actually runs with, as the run graph should show it: a step re-run
 * with changes (another profile or prompt) stores its new spec on the step, not in the flow
 * version, so the graph's cards read it from here. Pure.
 */
import type { StepDto } from "../client/run-types";
import type { FlowDocument } from "../flow/document";

type Config = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const contestantIndex = (key: string): number => Number(key.split("#")[1] ?? -1);

/** Sets `field` from the spec when the spec has it and it differs; returns whether it did. */
function adopt(config: Config, field: string, value: string | undefined): boolean {
  if (value === undefined || config[field] === value) return false;
  config[field] = value;
  return true;
}

/**
 * Node id → the config the run's steps now carry, only for nodes where that differs from
 * the flow version's config (so an unchanged run yields an empty map and nothing re-renders).
 */
export function runConfigs(doc: FlowDocument, steps: readonly StepDto[]): Map<string, Config> {
  const out = new Map<string, Config>();
  for (const node of doc.nodes) {
    const nodeSteps = steps.filter((s) => s.nodeId === node.id);
    if (nodeSteps.length === 0) continue;
    const config: Config = { ...(node.config as Config) };
    let changed = false;
    if (node.kind === "arena") {
      const contestants = Array.isArray(config.contestants) ? [...(config.contestants as Config[])] : [];
      for (const step of nodeSteps.filter((s) => s.role === "contestant")) {
        const index = contestantIndex(step.key);
        const profile = text(step.spec.profile);
        if (!contestants[index] || profile === undefined || contestants[index].profile === profile) continue;
        contestants[index] = { ...contestants[index], profile };
        changed = true;
      }
      config.contestants = contestants;
      const select = nodeSteps.find((s) => s.role === "select")?.spec.select as Config | undefined;
      const docSelect = (config.select ?? {}) as Config;
      if (select && text(select.profile) !== undefined && docSelect.profile !== select.profile) {
        config.select = { ...docSelect, profile: select.profile };
        changed = true;
      }
    } else {
      const step = nodeSteps[0];
      for (const field of ["profile", "model", "prompt"]) changed = adopt(config, field, text(step.spec[field])) || changed;
    }
    if (changed) out.set(node.id, config);
  }
  return out;
}

/** A stable text key of `runConfigs`' result, for memoizing on it. */
export const configsKey = (configs: ReadonlyMap<string, Config>): string => JSON.stringify([...configs]);
