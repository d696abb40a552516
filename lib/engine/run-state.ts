/**
 * The reducer's view of a run: just enough per step to decide readiness, skipping,
 * selection readiness and run completion (no outputs: those stay in the database).
 */
import type { RunStatus, StepState } from "../db/schema";
import type { SelectMode } from "../kinds/arena/definition";
import type { StepRole } from "../contract/run";

export interface StepStatus {
  id: string;
  key: string;
  nodeId: string;
  kind: string;
  role: StepRole;
  state: StepState;
  dependsOn: string[];
  attempt: number;
  maxAttempts: number;
  retries: number;
  /** Select steps only. */
  selectMode?: SelectMode;
  /** Of the last failure: false for failures a retry can't fix. */
  retryable: boolean;
  cancelRequested: boolean;
  /** The last error (possibly shortened), for the run's error message. */
  error: string | null;
  /** The step works in a directory ("code": worktree or scratch dir) or in none. */
  workspace?: "code" | "none";
}

export interface RunState {
  status: RunStatus;
  /** Set once the run is terminal and no step of it is still running. */
  finished: boolean;
  steps: StepStatus[];
}

export const TERMINAL_STEP_STATES: readonly StepState[] = ["succeeded", "failed", "canceled", "skipped"];
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "canceled"];

export const isTerminalStep = (state: StepState) => TERMINAL_STEP_STATES.includes(state);
export const isTerminalRun = (status: RunStatus) => TERMINAL_RUN_STATUSES.includes(status);

/** Keys of every step that (transitively) depends on `key`. */
export function descendantKeys(steps: readonly StepStatus[], key: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const step of steps) {
    for (const dep of step.dependsOn) {
      const list = children.get(dep) ?? [];
      list.push(step.key);
      children.set(dep, list);
    }
  }
  const out = new Set<string>();
  const stack = [...(children.get(key) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (out.has(next)) continue;
    out.add(next);
    stack.push(...(children.get(next) ?? []));
  }
  return out;
}

/** Steps ordered so that each comes after its dependencies (Kahn; input order breaks ties). */
export function topologicalSteps(steps: readonly StepStatus[]): StepStatus[] {
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const indegree = new Map<string, number>();
  const children = new Map<string, StepStatus[]>();
  for (const step of steps) {
    let count = 0;
    for (const dep of step.dependsOn) {
      if (!byKey.has(dep)) continue;
      count++;
      const list = children.get(dep) ?? [];
      list.push(step);
      children.set(dep, list);
    }
    indegree.set(step.key, count);
  }
  const queue = steps.filter((s) => indegree.get(s.key) === 0);
  for (let i = 0; i < queue.length; i++) {
    for (const child of children.get(queue[i].key) ?? []) {
      const left = indegree.get(child.key)! - 1;
      indegree.set(child.key, left);
      if (left === 0) queue.push(child);
    }
  }
  return queue;
}

/**
 * Topological order of a run's steps as indices into `state.steps`, remembered per state.
 * A run's graph never changes, and every state derived from another (a reduction, a
 * remembered state with a completion applied) keeps `steps` in the same order, so derived
 * states share the order (inheritOrder) instead of sorting the whole run on every settle.
 */
const orders = new WeakMap<RunState, readonly number[]>();

export function topologicalOrder(state: RunState): readonly number[] {
  const known = orders.get(state);
  if (known) return known;
  const index = new Map(state.steps.map((step, i) => [step, i]));
  const order = topologicalSteps(state.steps).map((step) => index.get(step)!);
  orders.set(state, order);
  return order;
}

/** `derived` has `from`'s steps in the same order (same keys, same dependencies). */
export function inheritOrder<T extends RunState>(from: RunState, derived: T): T {
  const known = orders.get(from);
  if (known && from.steps.length === derived.steps.length) orders.set(derived, known);
  return derived;
}
