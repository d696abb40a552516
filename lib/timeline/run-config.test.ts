import { describe, expect, it } from "vitest";
import type { StepDto } from "../client/run-types";
import { stepFixture } from "../contract/testing";
import type { FlowDocument } from "../flow/document";
import { runConfigs } from "./run-config";

const step = (o: Partial<StepDto> & Pick<StepDto, "id" | "key" | "nodeId">): StepDto => stepFixture({ state: "succeeded", attempt: 1, ...o });

const doc = {
  name: "f",
  inputs: [],
  nodes: [
    { id: "plan", kind: "agent", position: { x: 0, y: 0 }, config: { profile: "demo", prompt: "p" } },
    { id: "race", kind: "arena", position: { x: 0, y: 0 }, config: { prompt: "r", contestants: [{ profile: "demo" }, { profile: "demo" }], select: { mode: "judge", profile: "demo" } } },
  ],
  edges: [],
} as unknown as FlowDocument;

describe("runConfigs", () => {
  it("is empty while the run's steps run what the flow version says", () => {
    const steps = [
      step({ id: "1", key: "plan", nodeId: "plan", spec: { profile: "demo", prompt: "p" } }),
      step({ id: "2", key: "race#0", nodeId: "race", role: "contestant", spec: { profile: "demo" } }),
      step({ id: "3", key: "race", nodeId: "race", role: "select", spec: { select: { mode: "judge", profile: "demo" } } }),
    ];
    expect(runConfigs(doc, steps).size).toBe(0);
  });

  it("carries a re-run's new profile and prompt, per contestant and for the judge", () => {
    const steps = [
      step({ id: "1", key: "plan", nodeId: "plan", spec: { profile: "demo-b", prompt: "p2" } }),
      step({ id: "2", key: "race#0", nodeId: "race", role: "contestant", spec: { profile: "demo" } }),
      step({ id: "3", key: "race#1", nodeId: "race", role: "contestant", spec: { profile: "demo-b" } }),
      step({ id: "4", key: "race", nodeId: "race", role: "select", spec: { select: { mode: "judge", profile: "judge-b" } } }),
    ];
    const configs = runConfigs(doc, steps);
    expect(configs.get("plan")).toMatchObject({ profile: "demo-b", prompt: "p2" });
    expect(configs.get("race")).toMatchObject({ contestants: [{ profile: "demo" }, { profile: "demo-b" }], select: { mode: "judge", profile: "judge-b" } });
  });
});
