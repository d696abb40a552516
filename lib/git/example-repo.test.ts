import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitWorktreeOrThrow } from "./commit-worktree";
import { ensureExampleRepo } from "./example-repo";
import { prepareWorktreeOrThrow } from "./prepare-worktree";
import { resolveRepoOrThrow } from "./resolve-repo";
import { git, makeTempDir, writeFiles } from "./test-repos";

const run = promisify(execFile);
let tmp: string;

beforeAll(async () => {
  tmp = await makeTempDir("baton-git-example");
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("ensureExampleRepo", () => {
  it("creates a one-commit repository whose tests pass, with the same commit id everywhere", async () => {
    const dataDir = path.join(tmp, "data-a");
    const repo = await ensureExampleRepo(dataDir);
    expect(repo).toBe(path.join(dataDir, "example-repo"));
    expect(await git(repo, "rev-list", "--count", "HEAD")).toBe("1");
    expect(await git(repo, "symbolic-ref", "--short", "HEAD")).toBe("main");
    expect(await git(repo, "status", "--porcelain")).toBe("");
    expect((await git(repo, "ls-files")).split("\n").sort()).toEqual([
      ".gitignore",
      "README.md",
      "package.json",
      "src/greet.js",
      "test/greet.test.js",
    ]);
    const { stdout } = await run("node", ["--test"], { cwd: repo });
    expect(stdout).toContain("pass 1");
    // No temporary build directories are left beside it.
    expect(await fs.readdir(dataDir)).toEqual(["example-repo"]);

    const other = await ensureExampleRepo(path.join(tmp, "data-b"));
    expect(await git(other, "rev-parse", "HEAD")).toBe(await git(repo, "rev-parse", "HEAD"));
  });

  it("is idempotent, also when called concurrently", async () => {
    const dataDir = path.join(tmp, "data-c");
    const [a, b, c] = await Promise.all([ensureExampleRepo(dataDir), ensureExampleRepo(dataDir), ensureExampleRepo(dataDir)]);
    expect(new Set([a, b, c]).size).toBe(1);
    const head = await git(a, "rev-parse", "HEAD");
    await writeFiles(a, { "local-change.txt": "kept\n" });
    expect(await ensureExampleRepo(dataDir)).toBe(a);
    expect(await git(a, "rev-parse", "HEAD")).toBe(head);
    expect(await fs.readFile(path.join(a, "local-change.txt"), "utf8")).toBe("kept\n");
    expect((await fs.readdir(dataDir)).sort()).toEqual(["example-repo"]);
  });

  it("refuses to treat a non-repository at its path as the example", async () => {
    const dataDir = path.join(tmp, "data-d");
    await writeFiles(path.join(dataDir, "example-repo"), { "stray.txt": "x\n" });
    await expect(ensureExampleRepo(dataDir)).rejects.toMatchObject({ code: "repo_not_git" });
  });

  it("works as a run's repository: a step's change shows as a real diff", async () => {
    const example = await ensureExampleRepo(path.join(tmp, "data-e"));
    const { repo, baseCommit } = await resolveRepoOrThrow(example, "HEAD", { roots: [] });
    const step = await prepareWorktreeOrThrow({
      repo,
      root: path.join(tmp, "data-e", "worktrees"),
      runId: "run_example",
      nodeKey: "build#0",
      attempt: 0,
      start: { commit: baseCommit },
    });
    await writeFiles(step.path, { "README.md": "# Example project\n\nHello from an agent.\n" });
    const result = await commitWorktreeOrThrow(step.path, "build#0", step.startCommit);
    expect(result.stats.files).toBe(1);
    expect(result.diff).toContain("+Hello from an agent.");
  });
});
