import { describe, expect, it } from "vitest";
import { validateFlow } from "../flow/validate";
import { draftFlow, type LoopProgress } from "./draft-loop";
import { extractDraft } from "./draft-text";

const valid = {
  name: "Fix and check",
  inputs: [{ name: "task", required: true }],
  nodes: [
    { id: "fix", kind: "agent", config: { profile: "demo", prompt: "{{inputs.task}}" } },
    { id: "test", kind: "check", config: { command: ["npm", "test"] } },
  ],
  edges: [{ from: "fix", to: "test" }],
};
const cyclic = {
  ...valid,
  nodes: [valid.nodes[0], { id: "review", kind: "agent", config: { profile: "demo", prompt: "Review {{steps.ghost.output}}" } }],
  edges: [
    { from: "fix", to: "review" },
    { from: "review", to: "fix" },
  ],
};
const answer = (doc: unknown, summary = "Summary: fixes, then tests.") => `Here is the flow.\n\`\`\`json\n${JSON.stringify(doc, null, 2)}\n\`\`\`\n${summary}`;
const validate = async (doc: unknown) => validateFlow(doc, { profiles: new Set(["demo"]) });

describe("draftFlow", () => {
  it("feeds every problem of a bad draft back and stops at the first valid one", async () => {
    const prompts: string[] = [];
    const answers = [answer(cyclic), answer(valid), answer(valid)];
    const progress: LoopProgress[] = [];
    const result = await draftFlow(
      { task: "fix the login bug" },
      { formatText: "FORMAT", ask: async (p) => (prompts.push(p), answers[prompts.length - 1]), validate, onProgress: (p) => progress.push(p) },
    );
    expect(prompts).toHaveLength(2);
    expect(prompts[0]).toContain("Task: fix the login bug");
    expect(prompts[0]).toContain("FORMAT");
    expect(prompts[1]).toContain("edges[1]: cycle: fix → review → fix");
    expect(prompts[1]).toContain('nodes[1].config.prompt: {{steps.ghost.output}} refers to unknown step "ghost"');
    expect(prompts[1]).toContain(JSON.stringify(cyclic, null, 2));
    expect(result).toMatchObject({ valid: true, issues: [], summary: "fixes, then tests." });
    expect(result.document).toMatchObject({ name: "Fix and check" });
    expect(result.attempts.map((a) => a.problems.length)).toEqual([2, 0]);
    expect(progress.map((p) => [p.type, p.attempt, p.maxAttempts, p.type === "checked" ? p.problems.length : null])).toEqual([
      ["asking", 1, 3, null],
      ["checked", 1, 3, 2],
      ["asking", 2, 3, null],
      ["checked", 2, 3, 0],
    ]);
  });

  it("gives up after maxAttempts with the last draft and its problems; an answer without JSON is a problem too", async () => {
    const answers = ["I think you should write tests.", answer(cyclic, "")];
    let i = 0;
    const result = await draftFlow({ task: "t" }, { formatText: "F", maxAttempts: 2, ask: async () => answers[i++], validate });
    expect(result.valid).toBe(false);
    expect(result.attempts[0].problems[0]).toMatch(/no JSON object/);
    expect(result.issues.map((issue) => issue.path).sort()).toEqual(["edges[1]", "nodes[1].config.prompt"]);
    expect(result.summary).toBe("2 steps: fix (agent), review (agent)");
  });

  it("reads JSON from a bare answer and reports JSON that does not parse", () => {
    expect(extractDraft(`ok ${JSON.stringify(valid)} Summary: done`)).toMatchObject({ ok: true, summary: "done" });
    expect(extractDraft("```json\n{nodes: [}\n```")).toMatchObject({ ok: false, problem: expect.stringContaining("does not parse") });
  });
});
