/** The reducer state of a freshly planned run: every step pending. Pure. */
import { picksWinner } from "../kinds";
import type { Plan } from "./plan";
import type { RunState, StepStatus } from "./run-state";

/** `ids[i]` is the id of `plan.steps[i]` (defaults to the key, for simulations). */
export function initialRunState(plan: Plan, ids?: readonly string[]): RunState {
  const steps: StepStatus[] = plan.steps.map((step, i) => ({
    id: ids ? ids[i] : step.key,
    key: step.key,
    nodeId: step.nodeId,
    kind: step.kind,
    role: step.role,
    state: "pending",
    dependsOn: step.dependsOn,
    attempt: 0,
    maxAttempts: step.maxAttempts,
    retries: step.spec.retries,
    ...(picksWinner(step.spec) ? { selectMode: step.spec.select.mode } : {}),
    retryable: true,
    cancelRequested: false,
    error: null,
    workspace: step.spec.workspace,
  }));
  return { status: "running", finished: false, steps };
}
