/**
 * plan(flow, inputs) → the steps of a run and their dependencies. Pure.
 *
 * Each node plans into steps by its kind's definition (lib/kinds/<kind>/definition.ts
 * `plan`): agent/fold/check/approval one step keyed by the node id, an arena its contestants
 * and a select step. maxAttempts = retries + 1.
 * Key convention (see lib/db/schema.ts, steps.key): a node's step that others depend on is
 * keyed by the node id ("<node>#<i>" for arena contestant i, whose select step has the node
 * id). Downstream steps depend on node ids, so an arena is seen from outside through its
 * select step.
 * requiredTags: with `profileTags`, "profile:<id>" for the agent profile a step runs, so only
 * workers advertising that profile claim it. Off by default: workers advertise no tags
 * unless configured (BATON_WORKER_TAGS), and a required tag no worker has strands the step.
 */
import type { FlowDocument } from "../flow/document";
import { predecessors, topologicalOrder } from "../flow/graph";
import { kindDefinition, type PlannedStep } from "../kinds";
import { resolveInputs } from "./inputs";

/** The steps of a run. What each step runs (`StepSpec`, stored in steps.spec) is its kind's business (lib/kinds). */
export interface Plan {
  /** Declared inputs resolved with their defaults. */
  inputs: Record<string, string>;
  /** In topological order: every step comes after all of its dependencies. */
  steps: PlannedStep[];
}

export class PlanError extends Error {
  constructor(
    message: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = "PlanError";
  }
}

export interface PlanOptions {
  profileTags?: boolean;
}

export function plan(flow: FlowDocument, given: Record<string, unknown>, options: PlanOptions = {}): Plan {
  const resolved = resolveInputs(flow, given);
  if (!resolved.ok) {
    throw new PlanError(`invalid inputs: ${resolved.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, resolved.issues);
  }
  const ids = flow.nodes.map((node) => node.id);
  const byId = new Map(flow.nodes.map((node) => [node.id, node]));
  const parents = predecessors(ids, flow.edges);
  const order = topologicalOrder(ids, flow.edges);
  if (order.length !== ids.length) throw new PlanError("the flow has a cycle");
  const steps: PlannedStep[] = [];
  for (const id of order) {
    const node = byId.get(id)!;
    steps.push(...kindDefinition(node.kind).plan(node, parents.get(id) ?? []));
  }
  if (!options.profileTags) for (const step of steps) step.requiredTags = [];
  return { inputs: resolved.inputs, steps };
}
