import fc from "fast-check";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { attemptRefName, attemptWorktreePath, refSegment, runRefPrefix } from "./ref-names";
import { runGitOrThrow } from "./run-git";

describe("refSegment", () => {
  it("keeps node ids, maps # to . and hashes anything lossy", () => {
    expect(refSegment("plan")).toBe("plan");
    expect(refSegment("build_2-x")).toBe("build_2-x");
    expect(refSegment("build#1")).toBe("build.1");
    expect(refSegment("run_3k9x")).toBe("run_3k9x");
    expect(refSegment("a b")).toMatch(/^a-b-[0-9a-f]{8}$/);
    expect(refSegment("a b")).not.toBe(refSegment("a-b"));
    expect(refSegment("../etc")).toMatch(/^etc-[0-9a-f]{8}$/);
    expect(refSegment("x##y")).toMatch(/^x-y-[0-9a-f]{8}$/);
    expect(refSegment("x#lock")).toMatch(/^x-lock-[0-9a-f]{8}$/);
    expect(refSegment("a#")).toMatch(/^a--[0-9a-f]{8}$/);
    expect(refSegment("")).toMatch(/^[0-9a-f]{8}$/);
  });

  it("is injective over step keys (node ids and node#i)", () => {
    const nodeId = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,20}$/);
    const key = fc.oneof(nodeId, fc.tuple(nodeId, fc.nat(20)).map(([n, i]) => `${n}#${i}`));
    fc.assert(
      fc.property(key, key, (a, b) => a === b || refSegment(a) !== refSegment(b)),
      { numRuns: 2000 },
    );
  });

  it("always yields one path segment that git accepts in a ref name", async () => {
    const samples = fc.sample(fc.string({ unit: "binary", maxLength: 30 }), { numRuns: 60, seed: 42 });
    samples.push("..", ".", "-", "@", "@{u}", "a.lock", "#", "##", "a#", "HEAD", "x/../y", "with\nnewline");
    for (const value of samples) {
      const segment = refSegment(value);
      expect(segment).not.toContain("/");
      expect(segment).not.toBe("..");
      expect(path.basename(segment)).toBe(segment);
      const ref = attemptRefName(value, value, 3);
      const check = await runGitOrThrow(["check-ref-format", ref], { cwd: "/", allowExitCodes: [1, 128] });
      expect({ value, ref, exit: check.exitCode }).toEqual({ value, ref, exit: 0 });
    }
  });
});

describe("attempt names", () => {
  it("lays out the ref (outside refs/heads) and path by run, key and attempt", () => {
    expect(attemptRefName("run_1", "build#0", 2)).toBe("refs/baton/run_1/build.0-2");
    expect(runRefPrefix("run_1")).toBe("refs/baton/run_1/");
    expect(attemptWorktreePath("/data/worktrees", "run_1", "build#0", 2)).toBe("/data/worktrees/run_1/build.0-2");
  });
});
