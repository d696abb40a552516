import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitError } from "./errors";
import { prepareWorktreeOrThrow } from "./prepare-worktree";
import { cleanupRunWorktrees, listRunWorktrees, removeWorktree } from "./remove-worktree";
import { createRepo, git, makeTempDir, writeFiles } from "./test-repos";

let tmp: string;
let repo: string;
let base: string;
let root: string;

beforeAll(async () => {
  tmp = await makeTempDir("baton-git-remove");
  ({ repo, commit: base } = await createRepo(path.join(tmp, "repo"), { "a.txt": "a\n" }));
  root = path.join(tmp, "worktrees");
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function exists(target: string): Promise<boolean> {
  return fs.access(target).then(
    () => true,
    () => false,
  );
}

describe("removeWorktree", () => {
  it("removes a worktree with uncommitted and ignored files and keeps its branch", async () => {
    const prepared = await prepareWorktreeOrThrow({ repo, root, runId: "run_rm", nodeKey: "s", attempt: 0, start: { commit: base } });
    await writeFiles(prepared.path, { "dirty.txt": "x\n", "a.txt": "changed\n" });
    await git(prepared.path, "worktree", "lock", prepared.path);
    await removeWorktree(prepared.path);
    expect(await exists(prepared.path)).toBe(false);
    expect(await git(repo, "worktree", "list", "--porcelain")).not.toContain(prepared.path);
    expect(await git(repo, "rev-parse", prepared.branch)).toBe(base);
    // Already gone: nothing to do.
    await removeWorktree(prepared.path);
  });

  it("refuses a main work tree and a plain directory", async () => {
    await expect(removeWorktree(repo)).rejects.toMatchObject({ code: "worktree_invalid" });
    const plain = path.join(tmp, "plain");
    await writeFiles(plain, { "precious.txt": "keep me\n" });
    await expect(removeWorktree(plain)).rejects.toBeInstanceOf(GitError);
    expect(await fs.readFile(path.join(plain, "precious.txt"), "utf8")).toBe("keep me\n");
    expect(await exists(path.join(repo, "a.txt"))).toBe(true);
  });
});

describe("cleanupRunWorktrees", () => {
  it("clears debris left by a crash and leaves a main work tree it didn't make", async () => {
    const prepared = await prepareWorktreeOrThrow({ repo, root, runId: "run_debris", nodeKey: "s", attempt: 0, start: { commit: base } });
    const debris = path.join(root, "run_debris", "half-0");
    await writeFiles(debris, { "partial.txt": "p\n" });
    const foreign = path.join(root, "run_debris", "zz-someone-elses-repo");
    await createRepo(foreign, { "theirs.txt": "t\n" });

    const result = await cleanupRunWorktrees(root, "run_debris");
    expect(result).toEqual({ removed: [debris, prepared.path], kept: [foreign] });
    expect(await exists(debris)).toBe(false);
    expect(await exists(prepared.path)).toBe(false);
    expect(await exists(path.join(foreign, "theirs.txt"))).toBe(true);
  });

  it("removes only the worktrees it listed: one a re-run made meanwhile stays, with the run's directory", async () => {
    const old = await prepareWorktreeOrThrow({ repo, root, runId: "run_rerun", nodeKey: "plan", attempt: 2, start: { commit: base } });
    const listed = await listRunWorktrees(root, "run_rerun");
    // The run is re-opened and its step's next attempt starts before the cleanup removes.
    const fresh = await prepareWorktreeOrThrow({ repo, root, runId: "run_rerun", nodeKey: "plan", attempt: 3, start: { commit: base } });
    const result = await cleanupRunWorktrees(root, "run_rerun", listed);
    expect(result).toEqual({ removed: [old.path], kept: [] });
    expect(await exists(old.path)).toBe(false);
    expect(await exists(fresh.path)).toBe(true);
    // Once nothing is left, the run's directory goes too.
    await cleanupRunWorktrees(root, "run_rerun");
    expect(await exists(path.join(root, "run_rerun"))).toBe(false);
  });
});
