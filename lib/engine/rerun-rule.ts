/**
 * When a person may re-run a step (Re-run step, Re-run from here, Re-run with changes, a
 * review round: the `rerun-step` event). THE rule: the reducer refuses the event with this
 * reason, and the run page offers those buttons only where it answers null — so the page never
 * offers a re-run the engine would refuse. Pure; reads only what the run page has too.
 */
import type { RunStatus, StepState } from "../contract/run";

/** What the rule reads of a step: the reducer's StepStatus and the run page's step both have it. */
export interface RerunStepView {
  key: string;
  role: string;
  state: StepState;
  dependsOn: readonly string[];
  /** An arena's select step: its mode. */
  selectMode?: string;
}

const RERUNNABLE: readonly StepState[] = ["succeeded", "failed", "canceled"];
const SETTLED_RUN: readonly RunStatus[] = ["succeeded", "failed", "canceled", "waiting"];

/** Why `step` can't be re-run now, or null: it can. `stepOf` finds a step of the same run by key. */
export function rerunRefusal(
  status: RunStatus,
  step: RerunStepView,
  stepOf: (key: string) => RerunStepView | undefined,
  steps: Iterable<RerunStepView>,
): string | null {
  if (!RERUNNABLE.includes(step.state)) {
    if (step.state === "skipped") return `step "${step.key}" was skipped because an upstream step did not succeed; re-run that step instead`;
    return `cannot re-run a ${step.state} step ("${step.key}"); only a succeeded, failed or canceled step can be re-run`;
  }
  if (!SETTLED_RUN.includes(status)) return `the run is ${status}; re-run a step once the run has finished or is waiting`;
  const deps = step.dependsOn.map(stepOf).filter((d): d is RerunStepView => d !== undefined);
  if (step.role === "select") {
    if (!deps.some((d) => d.state === "succeeded")) return `no contestant of "${step.key}" succeeded; re-run a contestant instead`;
  } else {
    const blocked = deps.find((d) => d.state !== "succeeded");
    if (blocked) return `upstream step "${blocked.key}" is ${blocked.state}; re-run it first`;
  }
  if (step.role === "contestant") {
    const select = [...steps].find((s) => s.role === "select" && s.dependsOn.includes(step.key));
    if (select?.selectMode === "first") {
      const winner = select.dependsOn.find((key) => key !== step.key && stepOf(key)?.state === "succeeded");
      if (winner) {
        return `"${step.key}" is a contestant of first-to-succeed arena "${select.key}", already won by "${winner}"; re-run "${select.key}" or the whole run instead`;
      }
    }
  }
  return null;
}
