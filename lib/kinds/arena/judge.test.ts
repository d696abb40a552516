import { describe, expect, it } from "vitest";
import { judgePrompt, parseVerdict } from "./judge";

const ids = ["build#1", "build#10"];

describe("parseVerdict", () => {
  it("accepts exactly one named contestant, bounded so build#1 never matches inside build#10", () => {
    expect(parseVerdict("build#10\nIt has tests.", ids)).toEqual({ ok: true, winner: "build#10" });
    expect(parseVerdict("Winner: build#1.", ids)).toEqual({ ok: true, winner: "build#1" });
  });

  it("takes the first line when the reasons mention the others", () => {
    expect(parseVerdict("build#1\nbuild#10 was close but broke the build.", ids)).toEqual({ ok: true, winner: "build#1" });
  });

  it("fails clearly on an answer naming none or several", () => {
    const none = parseVerdict("Both are fine.", ids);
    expect(none).toEqual({ ok: false, error: 'the judge\'s answer names no contestant (expected one of build#1, build#10): "Both are fine."' });
    expect(parseVerdict("I like build#1 and build#10 equally.", ids)).toMatchObject({ ok: false, error: expect.stringContaining("ambiguous") });
  });
});

describe("judgePrompt", () => {
  it("lists the task, instructions, contestants and the answer format", () => {
    const prompt = judgePrompt({
      task: "Fix the bug",
      instructions: "Prefer small diffs",
      contestants: [{ key: "build#1", nodeId: "build", state: "succeeded", output: "done", diff: "+x", profile: "demo" }],
    });
    expect(prompt).toContain("Task given to every contestant:\nFix the bug");
    expect(prompt).toContain("Judging instructions:\nPrefer small diffs");
    expect(prompt).toContain("### Contestant build#1 (profile demo, succeeded)\n\nOutput:\ndone\n\nDiff:\n+x");
    expect(prompt).toContain("(one of: build#1)");
  });
});
