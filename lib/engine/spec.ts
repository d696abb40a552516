/**
 * The planner's output: the steps of a run. What each step runs (`StepSpec`, stored in
 * steps.spec) is its kind's business: lib/kinds/<kind>/definition.ts, unioned in lib/kinds.
 *
 * Key convention (see lib/db/schema.ts, steps.key): a node's step that others depend on is
 * keyed by the node id ("<node>#<i>" for arena contestant i, whose select step has the node
 * id). Downstream steps depend on node ids, so an arena is seen from outside through its
 * select step.
 */
import type { PlannedStep } from "../kinds";

export interface Plan {
  /** Declared inputs resolved with their defaults. */
  inputs: Record<string, string>;
  /** In topological order: every step comes after all of its dependencies. */
  steps: PlannedStep[];
}
