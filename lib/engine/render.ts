/**
 * Prompt rendering with the full upstream outputs. Pure.
 *
 * `{{steps.<node>.output|diff}}` read the node's step (for an arena: its select step, which
 * carries the winner's output and diff); `{{steps.<node>.contestants}}` lists every
 * contestant with its id, profile, state, output and diff. Values are substituted whole up
 * to a large explicit limit, past which a visible truncation marker says how much was cut.
 */
import { parseTemplate, renderTemplate, DEFAULT_VALUE_LIMIT } from "../flow/template";
import type { StepState } from "../db/schema";

export interface UpstreamStep {
  key: string;
  nodeId: string;
  state: StepState;
  output: string | null;
  diff: string | null;
  profile?: string;
  model?: string;
  winner?: string | null;
}

export interface RenderContext {
  inputs: Record<string, string>;
  /** Node id → its (select or only) step. */
  steps: ReadonlyMap<string, UpstreamStep>;
  /** Arena node id → its contestants in index order. */
  contestants: ReadonlyMap<string, readonly UpstreamStep[]>;
}

/** Node ids a template reads, split by what must be loaded for them. */
export function templateNeeds(template: string): { steps: Set<string>; contestants: Set<string>; inputs: boolean } {
  const steps = new Set<string>();
  const contestants = new Set<string>();
  let inputs = false;
  for (const ref of parseTemplate(template).refs) {
    if (ref.kind === "input") inputs = true;
    if (ref.kind !== "step") continue;
    if (ref.field === "contestants") contestants.add(ref.nodeId);
    else steps.add(ref.nodeId);
  }
  return { steps, contestants, inputs };
}

export function formatContestants(list: readonly UpstreamStep[], winner?: string | null): string {
  if (list.length === 0) return "(no contestants)";
  return list
    .map((c) => {
      const who = [c.profile ? `profile ${c.profile}` : null, c.model ? `model ${c.model}` : null, c.state]
        .filter(Boolean)
        .join(", ");
      const lines = [`### Contestant ${c.key} (${who})${winner === c.key ? " — winner" : ""}`, "", "Output:", c.output?.trim() || "(no output)"];
      if (c.diff) lines.push("", "Diff:", c.diff);
      return lines.join("\n");
    })
    .join("\n\n");
}

export function renderPrompt(template: string, context: RenderContext, valueLimit = DEFAULT_VALUE_LIMIT): string {
  return renderTemplate(template, {
    valueLimit,
    resolve(ref) {
      if (ref.kind === "input") return context.inputs[ref.name] ?? "";
      if (ref.field === "contestants") {
        const list = context.contestants.get(ref.nodeId);
        return list ? formatContestants(list, context.steps.get(ref.nodeId)?.winner) : `(step "${ref.nodeId}" has no contestants)`;
      }
      const step = context.steps.get(ref.nodeId);
      if (!step) return `(step "${ref.nodeId}" is not available)`;
      const value = ref.field === "output" ? step.output : step.diff;
      return value ?? (ref.field === "diff" ? "" : `(step "${ref.nodeId}" produced no output)`);
    },
  });
}

/** fold "concat": each input under a heading, joined by the separator. */
export function concatOutputs(inputs: readonly UpstreamStep[], separator = "\n\n---\n\n"): string {
  return inputs.map((s) => `## ${s.nodeId}\n\n${s.output?.trim() ?? ""}`).join(separator);
}
