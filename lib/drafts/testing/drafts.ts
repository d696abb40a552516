/**
 * Drafts for tests of the draft loop: `broken` has a cycle (edges[1]) and an unknown step
 * reference (nodes[1].config.prompt); `repaired` is the same flow, valid.
 */
const nodes = [
  { id: "plan", kind: "agent", config: { profile: "demo", prompt: "Plan: {{inputs.task}}", workspace: "none" } },
  { id: "build", kind: "agent", config: { profile: "demo", prompt: "Build: {{steps.plan.output}}", workspace: "none" } },
];

export const broken = {
  name: "Plan and build",
  inputs: [{ name: "task", required: true }],
  nodes: [nodes[0], { ...nodes[1], config: { ...nodes[1].config, prompt: "Build {{steps.research.output}}" } }],
  edges: [
    { from: "plan", to: "build" },
    { from: "build", to: "plan" },
  ],
};

export const repaired = { ...broken, nodes, edges: [{ from: "plan", to: "build" }] };

/** broken's problems, as the validator words them. */
export const brokenProblems = [
  "edges[1]: cycle: plan → build → plan (the edge build → plan closes it)",
  'nodes[1].config.prompt: {{steps.research.output}} refers to unknown step "research"',
];
