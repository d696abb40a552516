import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { GitError } from "./errors";
import { runGitOrThrow } from "./run-git";

describe("runGitOrThrow", () => {
  test("a working directory that vanished is named as such, not reported as git missing", async () => {
    const gone = path.join(os.tmpdir(), `baton-vanished-${process.pid}-${Date.now()}`);
    const error = await runGitOrThrow(["status"], { cwd: gone }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({ code: "worktree_invalid", message: `git status: the directory ${gone} no longer exists` });
  });

  test("git itself missing from PATH is still reported as such", async () => {
    const error = await runGitOrThrow(["status"], { cwd: os.tmpdir(), env: { PATH: "/nonexistent" } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "git_unavailable", message: "git is not installed or not on PATH" });
  });
});
