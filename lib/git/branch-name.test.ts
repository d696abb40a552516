import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { branchNameProblem, MAX_BRANCH_NAME } from "./branch-name";
import { runGitOrThrow } from "./run-git";

/** git's own verdict, the reference the pure check must match. */
async function gitAccepts(name: string): Promise<boolean> {
  const result = await runGitOrThrow(["check-ref-format", "--branch", name], { cwd: "/", allowExitCodes: [1, 128] });
  return result.exitCode === 0;
}

describe("branchNameProblem", () => {
  it("agrees with `git check-ref-format --branch` on tricky names and random ones", async () => {
    const tricky = [
      "feature/x", "a", "a/b/c", "v1.2", "x-y_z", "ünïcode", "a.b", "-x", "HEAD", "@", "a@b", "x@{1}", "a..b", ".a", "a/.b",
      "a.lock", "a/b.lock", "a.lock/b", "a/", "/a", "a//b", "a.", "a b", "a\tb", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b", "a\x7f",
      "refs/heads/x", "@{-1}", "a/@/b",
    ];
    const random = fc.sample(fc.stringMatching(/^[a-z./@{}\-~^: *[\\]{1,8}$/), { numRuns: 40, seed: 7 });
    for (const name of [...tricky, ...random]) {
      // Stricter than git on purpose: "@" and "HEAD" would be read as HEAD by `git switch`.
      const expected = name === "@" || name === "HEAD" ? false : await gitAccepts(name);
      expect({ name, ok: branchNameProblem(name) === null }).toEqual({ name, ok: expected });
    }
  });

  it("names the reason and bounds the length", () => {
    expect(branchNameProblem("")).toBe("must not be empty");
    expect(branchNameProblem("a b")).toBe("must not contain a space");
    expect(branchNameProblem("a..b")).toBe('must not contain ".."');
    expect(branchNameProblem("x".repeat(MAX_BRANCH_NAME + 1))).toMatch(/at most/);
    expect(branchNameProblem("x".repeat(MAX_BRANCH_NAME))).toBeNull();
  });
});
