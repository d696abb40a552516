import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitWorktreeOrThrow } from "./commit-worktree";
import { prepareWorktreeOrThrow } from "./prepare-worktree";
import { runGitOrThrow } from "./run-git";
import { createRepo, git, makeTempDir, writeFiles } from "./test-repos";

let tmp: string;
let repo: string;
let base: string;
let attempt = 0;
const savedEnv = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };

// Every git process in this file sees an empty HOME: no ~/.gitconfig, so no user.name or
// user.email. Commits must still work, as they must on a fresh CI machine.
beforeAll(async () => {
  tmp = await makeTempDir("baton-git-commit");
  const home = path.join(tmp, "empty-home");
  await fs.mkdir(home);
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = path.join(home, ".config");
  ({ repo, commit: base } = await createRepo(path.join(tmp, "repo"), { "a.txt": "a\n", "b.txt": "b\n" }));
});

afterAll(async () => {
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await fs.rm(tmp, { recursive: true, force: true });
});

async function freshWorktree(): Promise<{ path: string; ref: string; startCommit: string }> {
  return prepareWorktreeOrThrow({
    repo,
    root: path.join(tmp, "worktrees"),
    runId: "run_commit",
    nodeKey: "step",
    attempt: attempt++,
    start: { commit: base },
  });
}

describe("commitWorktreeOrThrow", () => {
  it("works with no git identity configured anywhere", async () => {
    const identity = await runGitOrThrow(["config", "--global", "user.name"], { cwd: repo, allowExitCodes: [1] });
    expect(identity.exitCode).toBe(1);
    const local = await runGitOrThrow(["config", "user.email"], { cwd: repo, allowExitCodes: [1] });
    expect(local.exitCode).toBe(1);

    const worktree = await freshWorktree();
    await writeFiles(worktree.path, { "a.txt": "a changed\n" });
    const result = await commitWorktreeOrThrow(worktree.path, "step result", worktree.startCommit);
    expect(result.committed).toBe(true);
    expect(await git(worktree.path, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%s")).toBe(
      "Baton <baton@localhost>|Baton <baton@localhost>|step result",
    );
  });

  it("stages everything, commits, moves the attempt ref and diffs against the start commit", async () => {
    const worktree = await freshWorktree();
    await writeFiles(worktree.path, { "a.txt": "a\nmore\n", "b.txt": null, "c/new.txt": "new\n" });
    expect(await git(repo, "rev-parse", worktree.ref)).toBe(base);
    const result = await commitWorktreeOrThrow(worktree.path, "build#1: add more", worktree.startCommit, { ref: worktree.ref });

    expect(result.resultCommit).not.toBe(base);
    expect(await git(repo, "rev-parse", worktree.ref)).toBe(result.resultCommit);
    expect(await git(repo, "rev-parse", `${result.resultCommit}^`)).toBe(base);
    expect(await git(worktree.path, "status", "--porcelain")).toBe("");
    expect(result.stats).toEqual({ files: 3, additions: 2, deletions: 1 });
    expect(result.files.map((f) => `${f.status} ${f.path}`)).toEqual(["modified a.txt", "deleted b.txt", "added c/new.txt"]);
    expect(result.diff).toContain("+more\n");
    // A message line starting with "#" survives.
    expect(await git(worktree.path, "log", "-1", "--format=%B")).toBe("build#1: add more");
  });

  it("makes no commit when nothing changed: the result is the start commit", async () => {
    const worktree = await freshWorktree();
    const result = await commitWorktreeOrThrow(worktree.path, "nothing", worktree.startCommit, { ref: worktree.ref });
    expect(result).toMatchObject({
      resultCommit: base,
      committed: false,
      diff: "",
      stats: { files: 0, additions: 0, deletions: 0 },
      files: [],
    });
    expect(await git(repo, "rev-parse", worktree.ref)).toBe(base);
  });

  it("keeps the agent's own commits and commits the rest on top", async () => {
    const worktree = await freshWorktree();
    await writeFiles(worktree.path, { "agent.txt": "agent\n" });
    await git(worktree.path, "add", "-A");
    await git(worktree.path, "commit", "-q", "-m", "by the agent");
    const agentCommit = await git(worktree.path, "rev-parse", "HEAD");

    const clean = await commitWorktreeOrThrow(worktree.path, "nothing left", worktree.startCommit);
    expect(clean).toMatchObject({ resultCommit: agentCommit, committed: false });
    expect(clean.files.map((f) => f.path)).toEqual(["agent.txt"]);

    await writeFiles(worktree.path, { "baton.txt": "baton\n" });
    const result = await commitWorktreeOrThrow(worktree.path, "rest", worktree.startCommit);
    expect(await git(repo, "rev-parse", `${result.resultCommit}^`)).toBe(agentCommit);
    expect(result.files.map((f) => f.path)).toEqual(["agent.txt", "baton.txt"]);
  });

  it("ignores the repository's hooks and signing config", async () => {
    await fs.mkdir(path.join(repo, ".git", "hooks"), { recursive: true });
    await fs.writeFile(path.join(repo, ".git", "hooks", "pre-commit"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    await git(repo, "config", "commit.gpgSign", "true");
    try {
      const worktree = await freshWorktree();
      await writeFiles(worktree.path, { "hooked.txt": "h\n" });
      const result = await commitWorktreeOrThrow(worktree.path, "despite hooks", worktree.startCommit);
      expect(result.committed).toBe(true);
    } finally {
      await fs.rm(path.join(repo, ".git", "hooks", "pre-commit"));
      await git(repo, "config", "--unset", "commit.gpgSign");
    }
  });
});
