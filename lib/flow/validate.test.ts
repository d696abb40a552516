import { describe, expect, it } from "vitest";
import { configHasShape, validateFlow, type ValidationIssue } from "./validate";
import { EXAMPLE_FLOW } from "./example";

const profiles = new Set(["demo", "claude"]);

type Doc = {
  name: string;
  inputs?: unknown[];
  nodes: Array<{ id: string; kind: string; config: Record<string, unknown> }>;
  edges?: Array<{ from: string; to: string }>;
};

const agent = (id: string, prompt = "do {{inputs.task}}", extra: Record<string, unknown> = {}) => ({
  id,
  kind: "agent",
  config: { profile: "demo", prompt, ...extra },
});

const base = (): Doc => ({
  name: "t",
  inputs: [{ name: "task", required: true }],
  nodes: [agent("a"), agent("b", "review {{steps.a.output}}")],
  edges: [{ from: "a", to: "b" }],
});

function issuesOf(doc: unknown): ValidationIssue[] {
  const result = validateFlow(doc, { profiles });
  return result.ok ? [] : result.issues;
}

function expectIssue(doc: unknown, path: string, message: RegExp) {
  const issues = issuesOf(doc);
  const match = issues.find((i) => i.path === path && message.test(i.message));
  expect(match, `expected ${path} ~ ${message}, got ${JSON.stringify(issues)}`).toBeDefined();
  return match!;
}

describe("validateFlow", () => {
  it("accepts the issue's sample document and the seeded example", () => {
    const sample = {
      name: "Fix a bug",
      inputs: [{ name: "task", required: true }],
      nodes: [
        { id: "plan", kind: "agent", config: { profile: "demo", prompt: "Plan: {{inputs.task}}" } },
        {
          id: "build",
          kind: "arena",
          config: {
            prompt: "Do it: {{steps.plan.output}}",
            contestants: [{ profile: "demo" }, { profile: "demo" }],
            select: { mode: "first" },
          },
        },
        { id: "sum", kind: "fold", config: { mode: "concat" } },
      ],
      edges: [
        { from: "plan", to: "build" },
        { from: "build", to: "sum" },
      ],
    };
    const result = validateFlow(sample, { profiles });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.flow.nodes.map((n) => n.kind)).toEqual(["agent", "arena", "fold"]);
    expect(validateFlow(EXAMPLE_FLOW, { profiles }).ok).toBe(true);
  });

  it("names the nodes of a cycle", () => {
    const doc = base();
    doc.nodes.push(agent("c"));
    doc.edges = [
      { from: "a", to: "b" },
      { from: "b", to: "c" },
      { from: "c", to: "a" },
    ];
    // Named by the edge that closes it, which the editor highlights.
    const issue = expectIssue(doc, "edges[2]", /^cycle: .*\(the edge c → a closes it\)$/);
    const names = issue.message.replace("cycle: ", "").replace(/ \(.*\)$/, "").split(" → ");
    expect(names[0]).toBe(names[names.length - 1]);
    expect(new Set(names)).toEqual(new Set(["a", "b", "c"]));
  });

  it("reports unknown references beside a cycle, so one pass shows every problem", () => {
    const doc = base();
    doc.nodes.push(agent("c", "use {{steps.ghost.output}} and {{inputs.nope}}"));
    doc.edges = [
      { from: "a", to: "b" },
      { from: "b", to: "c" },
      { from: "c", to: "a" },
    ];
    expectIssue(doc, "edges[2]", /^cycle: /);
    expectIssue(doc, "nodes[2].config.prompt", /unknown step "ghost"/);
    expectIssue(doc, "nodes[2].config.prompt", /unknown input "nope"/);
    // Upstream-ness means nothing in a cycle: no "not upstream" noise on top.
    expect(issuesOf(doc).filter((issue) => /not upstream/.test(issue.message))).toEqual([]);
  });

  it("reports every cycle, and a cycle hides no other problem", () => {
    const doc = base();
    doc.nodes.push(agent("c", "{{steps.ghost.output}} {{inputs.nope}}"), agent("d"), agent("e"));
    doc.edges = [
      { from: "a", to: "b" },
      { from: "b", to: "a" },
      { from: "c", to: "d" },
      { from: "d", to: "e" },
      { from: "e", to: "c" },
    ];
    const issues = issuesOf(doc);
    expect(issues.filter((i) => i.message.startsWith("cycle:")).map((i) => i.path)).toEqual(["edges[1]", "edges[4]"]);
    expectIssue(doc, "nodes[2].config.prompt", /unknown step "ghost"/);
    expectIssue(doc, "nodes[2].config.prompt", /unknown input "nope"/);
  });

  it("a broken element or an empty name hides no other problem", () => {
    const doc = { ...base(), name: "" };
    doc.nodes.push(agent("9 bad"), agent("c", "{{inputs.nope}}"));
    doc.edges!.push({ from: "a" } as { from: string; to: string }, { from: "a", to: "ghost" });
    expectIssue(doc, "name", /must not be empty/);
    expectIssue(doc, "nodes[2].id", /must start with a letter/);
    expectIssue(doc, "nodes[3].config.prompt", /unknown input "nope"/);
    expectIssue(doc, "edges[1].to", /./);
    expectIssue(doc, "edges[2].to", /unknown node "ghost"/);
  });

  it("an empty profile and an empty prompt are both reported, as plain problems", () => {
    const doc = base();
    doc.nodes[0] = agent("a", "", { profile: "" });
    const issues = issuesOf(doc).filter((i) => i.nodeId === "a");
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "nodes[0].config.profile: choose a profile",
      "nodes[0].config.prompt: prompt must not be empty",
    ]);
  });

  it("tells a config with its kind's shape from one that lacks it", () => {
    expect(configHasShape("agent", { profile: "demo", prompt: "x" })).toBe(true);
    expect(configHasShape("agent", { profile: "", prompt: "", timeoutSec: 0 })).toBe(true);
    expect(configHasShape("agent", { profile: "demo" })).toBe(false);
    expect(configHasShape("agent", { profile: "demo", prompt: "x", retries: "two" })).toBe(false);
    expect(configHasShape("arena", { prompt: "x", contestants: [], select: { mode: "best" } })).toBe(false);
  });

  it("refuses a self-loop as a cycle", () => {
    const doc = base();
    doc.edges!.push({ from: "b", to: "b" });
    expectIssue(doc, "edges[1]", /^cycle: b → b$/);
  });

  it("refuses edges to and from unknown nodes", () => {
    const doc = base();
    doc.edges!.push({ from: "a", to: "ghost" }, { from: "phantom", to: "b" });
    expectIssue(doc, "edges[1].to", /edge to unknown node "ghost"/);
    expectIssue(doc, "edges[2].from", /edge from unknown node "phantom"/);
  });

  it("refuses duplicate edges", () => {
    const doc = base();
    doc.edges!.push({ from: "a", to: "b" });
    expectIssue(doc, "edges[1]", /duplicate edge a → b/);
  });

  it("refuses duplicate node ids", () => {
    const doc = base();
    doc.nodes.push(agent("a"));
    const issue = expectIssue(doc, "nodes[2].id", /duplicate node id "a"/);
    expect(issue.nodeId).toBe("a");
  });

  it("refuses malformed node ids", () => {
    const doc = base();
    doc.nodes.push(agent("9 bad id"));
    expectIssue(doc, "nodes[2].id", /must start with a letter/);
  });

  it("refuses unknown kinds, listing the known ones", () => {
    const doc = base();
    doc.nodes.push({ id: "x", kind: "spiral", config: {} });
    expectIssue(doc, "nodes[2].kind", /unknown kind "spiral" \(expected one of agent, arena, fold, check, approval, loop\)/);
  });

  it("requires 2 to 5 arena contestants", () => {
    for (const count of [1, 6]) {
      const doc = base();
      doc.nodes.push({
        id: "arena",
        kind: "arena",
        config: { prompt: "x", contestants: Array.from({ length: count }, () => ({ profile: "demo" })), select: { mode: "first" } },
      });
      expectIssue(doc, "nodes[2].config.contestants", new RegExp(`2 to 5 contestants \\(has ${count}\\)`));
    }
    for (const count of [2, 5]) {
      const doc = base();
      doc.nodes.push({
        id: "arena",
        kind: "arena",
        config: { prompt: "x", contestants: Array.from({ length: count }, () => ({ profile: "demo" })), select: { mode: "first" } },
      });
      expect(issuesOf(doc)).toEqual([]);
    }
  });

  it("requires what each select mode needs", () => {
    const arena = (select: Record<string, unknown>) => ({
      ...base(),
      nodes: [{ id: "ar", kind: "arena", config: { prompt: "x", contestants: [{ profile: "demo" }, { profile: "demo" }], select } }],
      edges: [],
    });
    expectIssue(arena({ mode: "check" }), "nodes[0].config.select.command", /needs a command/);
    expectIssue(arena({ mode: "judge" }), "nodes[0].config.select.profile", /needs a judge profile/);
    expectIssue(arena({ mode: "best" }), "nodes[0].config.select.mode", /./);
    expect(issuesOf(arena({ mode: "check", command: ["npm", "test"] }))).toEqual([]);
    expect(issuesOf(arena({ mode: "judge", profile: "claude" }))).toEqual([]);
    expect(issuesOf(arena({ mode: "manual" }))).toEqual([]);
  });

  it("refuses empty prompts", () => {
    const doc = base();
    doc.nodes[0] = agent("a", "   ");
    expectIssue(doc, "nodes[0].config.prompt", /prompt must not be empty/);
  });

  it("requires a profile and prompt for fold agent mode, nothing for concat", () => {
    const doc = base();
    doc.nodes.push({ id: "f", kind: "fold", config: { mode: "agent" } });
    doc.edges!.push({ from: "b", to: "f" });
    expectIssue(doc, "nodes[2].config.profile", /needs a profile/);
    expectIssue(doc, "nodes[2].config.prompt", /must not be empty/);
  });

  it("requires a fold and an approval to have an input", () => {
    const doc = base();
    doc.nodes.push({ id: "f", kind: "fold", config: { mode: "concat" } }, { id: "ok", kind: "approval", config: {} });
    expectIssue(doc, "nodes[2]", /fold node needs at least one incoming edge/);
    expectIssue(doc, "nodes[3]", /approval node needs at least one incoming edge/);
  });

  it("refuses an empty check command", () => {
    const doc = base();
    doc.nodes.push({ id: "t", kind: "check", config: { command: [] } });
    expectIssue(doc, "nodes[2].config.command", /command must not be empty/);
    doc.nodes[2] = { id: "t", kind: "check", config: { command: "npm test" } };
    expectIssue(doc, "nodes[2].config.command", /expected array/);
  });

  it("refuses references to unknown inputs", () => {
    const doc = base();
    doc.nodes[0] = agent("a", "do {{inputs.ticket}}");
    expectIssue(doc, "nodes[0].config.prompt", /\{\{inputs\.ticket\}\} refers to unknown input "ticket"/);
  });

  it("refuses references to unknown steps", () => {
    const doc = base();
    doc.nodes[1] = agent("b", "review {{steps.nobody.output}}");
    expectIssue(doc, "nodes[1].config.prompt", /refers to unknown step "nobody"/);
  });

  it("refuses references to steps that are not upstream", () => {
    const doc = base();
    doc.nodes[0] = agent("a", "look at {{steps.b.output}}");
    expectIssue(doc, "nodes[0].config.prompt", /"b", which is not upstream of "a"/);
    // An unconnected sibling is not upstream either.
    const sibling = base();
    sibling.nodes.push(agent("c", "{{steps.a.diff}}"));
    expectIssue(sibling, "nodes[2].config.prompt", /not upstream of "c"/);
  });

  it("accepts transitive upstream references", () => {
    const doc = base();
    doc.nodes.push(agent("c", "{{steps.a.output}} and {{steps.b.diff}}"));
    doc.edges!.push({ from: "b", to: "c" });
    expect(issuesOf(doc)).toEqual([]);
  });

  it("allows .contestants only on arenas", () => {
    const doc = base();
    doc.nodes[1] = agent("b", "{{steps.a.contestants}}");
    expectIssue(doc, "nodes[1].config.prompt", /"a" is not an arena/);
  });

  it("refuses malformed placeholders and unknown fields", () => {
    const doc = base();
    doc.nodes[1] = agent("b", "{{steps.a.stdout}} {{ task }}");
    expectIssue(doc, "nodes[1].config.prompt", /unknown field "stdout"/);
    expectIssue(doc, "nodes[1].config.prompt", /unknown reference \{\{ task \}\}/);
  });

  it("refuses unknown profiles wherever they appear", () => {
    const doc = base();
    doc.nodes[0] = agent("a", "x", { profile: "gpt9" });
    doc.nodes.push({
      id: "ar",
      kind: "arena",
      config: {
        prompt: "x",
        contestants: [{ profile: "demo" }, { profile: "nope" }],
        select: { mode: "judge", profile: "judgy" },
      },
    });
    expectIssue(doc, "nodes[0].config.profile", /unknown profile "gpt9"/);
    expectIssue(doc, "nodes[2].config.contestants[1].profile", /unknown profile "nope"/);
    expectIssue(doc, "nodes[2].config.select.profile", /unknown profile "judgy"/);
  });

  it("skips the profile check when no profile list is given", () => {
    const doc = base();
    doc.nodes[0] = agent("a", "x", { profile: "anything" });
    expect(validateFlow(doc).ok).toBe(true);
  });

  it("refuses duplicate input names and an empty flow name", () => {
    const doc = { ...base(), name: "  ", inputs: [{ name: "task" }, { name: "task" }] };
    expectIssue(doc, "name", /must not be empty/);
    const named = { ...base(), inputs: [{ name: "task" }, { name: "task" }] };
    expectIssue(named, "inputs[1].name", /duplicate input "task"/);
  });

  it("reports wrong config field types with their path", () => {
    const doc = base();
    doc.nodes[0] = agent("a", "x", { timeoutSec: -5, retries: "two" });
    expectIssue(doc, "nodes[0].config.timeoutSec", /./);
    expectIssue(doc, "nodes[0].config.retries", /./);
  });

  it("refuses a non-object document", () => {
    expect(issuesOf("hello")[0].path).toBe("(root)");
    expect(issuesOf({ name: "x" }).map((i) => i.path)).toContain("nodes");
  });

  it("returns the parsed document with defaults and nothing else", () => {
    const result = validateFlow({ ...base(), extra: "ignored" }, { profiles });
    expect(result.ok).toBe(true);
    if (result.ok) expect(Object.keys(result.flow).sort()).toEqual(["edges", "inputs", "name", "nodes"]);
  });

  it("validates a 2000-node chain without blowing the stack", () => {
    const nodes = Array.from({ length: 2000 }, (_, i) => agent(`n${i}`, i ? `{{steps.n${i - 1}.output}}` : "{{inputs.task}}"));
    const edges = nodes.slice(1).map((n, i) => ({ from: `n${i}`, to: n.id }));
    expect(issuesOf({ name: "long", inputs: [{ name: "task" }], nodes, edges })).toEqual([]);
  });
});
