import { describe, expect, it } from "vitest";
import type { RunStatus } from "../contract/run";
import { rerunRefusal, type RerunStepView } from "./rerun-rule";

const step = (key: string, state: RerunStepView["state"], dependsOn: string[] = [], extra: Partial<RerunStepView> = {}): RerunStepView => ({
  key,
  role: "node",
  state,
  dependsOn,
  ...extra,
});

function refusal(status: RunStatus, steps: RerunStepView[], key: string): string | null {
  const byKey = new Map(steps.map((s) => [s.key, s]));
  return rerunRefusal(status, byKey.get(key)!, (k) => byKey.get(k), steps);
}

describe("when a step may be re-run (the reducer's and the run page's rule)", () => {
  it("a finished step of a settled run whose upstream succeeded: yes; while the run runs, or of a skipped step: no, saying why", () => {
    const steps = [step("a", "succeeded"), step("b", "failed", ["a"]), step("c", "skipped", ["b"]), step("d", "running")];
    expect(refusal("failed", steps, "b")).toBeNull();
    expect(refusal("waiting", steps, "a")).toBeNull();
    expect(refusal("running", steps, "b")).toBe("the run is running; re-run a step once the run has finished or is waiting");
    expect(refusal("failed", steps, "c")).toBe('step "c" was skipped because an upstream step did not succeed; re-run that step instead');
    expect(refusal("failed", steps, "d")).toBe('cannot re-run a running step ("d"); only a succeeded, failed or canceled step can be re-run');
  });

  it("a step whose upstream didn't succeed, a select none of whose contestants did, a first arena's loser: no", () => {
    expect(refusal("failed", [step("a", "canceled"), step("b", "failed", ["a"])], "b")).toBe('upstream step "a" is canceled; re-run it first');
    const arena = (mode: string, one: RerunStepView["state"], two: RerunStepView["state"]) => [
      step("race#0", one, [], { role: "contestant" }),
      step("race#1", two, [], { role: "contestant" }),
      step("race", "failed", ["race#0", "race#1"], { role: "select", selectMode: mode }),
    ];
    expect(refusal("failed", arena("manual", "failed", "failed"), "race")).toBe('no contestant of "race" succeeded; re-run a contestant instead');
    expect(refusal("failed", arena("first", "failed", "succeeded"), "race#0")).toBe(
      '"race#0" is a contestant of first-to-succeed arena "race", already won by "race#1"; re-run "race" or the whole run instead',
    );
    expect(refusal("failed", arena("manual", "failed", "succeeded"), "race#0")).toBeNull();
  });
});
