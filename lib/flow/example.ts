/**
 * The example flow seeded on first start: it uses only the built-in `demo` profile, so a
 * new user can open it and run it with no API key. Run on the bundled example repo
 * (`<dataDir>/example-repo`, offered by the run dialog) every step shows a real diff: the
 * plan step commits its plan file, each build contestant starts from that commit and adds
 * its change, and the summary's commit is the winner's (its diff spans the whole run).
 * The prompts also make sense to a real coding agent swapped in for `demo`.
 */
import type { FlowDocument } from "./document";

export const EXAMPLE_FLOW: FlowDocument = {
  name: "Example: plan, build in an arena, summarise",
  description:
    "Runs offline on the demo agent. Plan the task, let two agents build it, keep the first that succeeds, summarise. Run it on the example repo to see each step's diff.",
  inputs: [{ name: "task", required: true, description: "What should the agents do?", default: "Add a greeting to the README" }],
  nodes: [
    {
      id: "plan",
      kind: "agent",
      position: { x: 0, y: 120 },
      config: { profile: "demo", prompt: "Write a short plan for: {{inputs.task}}. Save it as PLAN.md in the repository root.", workspace: "code", options: { delayMs: 40 } },
    },
    {
      id: "build",
      kind: "arena",
      position: { x: 320, y: 120 },
      config: {
        prompt: "Make the smallest change that carries out this plan, then note what you changed:\n{{steps.plan.output}}",
        contestants: [{ profile: "demo", options: { delayMs: 60 } }, { profile: "demo", options: { delayMs: 90 } }],
        select: { mode: "first" },
        workspace: "code",
      },
    },
    {
      id: "summary",
      kind: "fold",
      position: { x: 640, y: 120 },
      config: { mode: "concat" },
    },
  ],
  edges: [
    { from: "plan", to: "build" },
    { from: "build", to: "summary" },
  ],
};
