import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffTrees, diffWorktree, snapshotWorktree, WorktreeSnapshotter } from "./diff-worktree";
import { prepareWorktreeOrThrow } from "./prepare-worktree";
import { createRepo, git, makeTempDir, writeFiles } from "./test-repos";

let tmp: string;
let repo: string;
let base: string;
let attempt = 0;

beforeAll(async () => {
  tmp = await makeTempDir("baton-git-diff");
  ({ repo, commit: base } = await createRepo(path.join(tmp, "repo"), {
    "keep.txt": "keep\n",
    "edit.txt": "one\ntwo\nthree\n",
    "gone.txt": "a\nb\n",
    "move-me.txt": "a file that will be renamed\nwith enough content\nto be detected as a rename\n",
    ".gitignore": "ignored/\n*.log\n",
  }));
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function freshWorktree(): Promise<string> {
  const prepared = await prepareWorktreeOrThrow({
    repo,
    root: path.join(tmp, "worktrees"),
    runId: "run_diff",
    nodeKey: "step",
    attempt: attempt++,
    start: { commit: base },
  });
  return prepared.path;
}

describe("diffWorktree", () => {
  it("is empty for an untouched worktree", async () => {
    const worktree = await freshWorktree();
    expect(await diffWorktree(worktree, base)).toEqual({
      tree: await git(repo, "rev-parse", `${base}^{tree}`),
      diff: "",
      diffTruncated: false,
      diffBytes: 0,
      stats: { files: 0, additions: 0, deletions: 0 },
      files: [],
    });
  });

  it("covers modified, deleted, untracked, renamed and binary files, minus ignored ones", async () => {
    const worktree = await freshWorktree();
    await writeFiles(worktree, {
      "edit.txt": "one\n2\nthree\nfour\n",
      "gone.txt": null,
      "new/file.txt": "brand\nnew\n",
      "image.bin": "\0\x01\x02binary",
      "ignored/cache.txt": "not part of the diff\n",
      "debug.log": "nor this\n",
    });
    await fs.rename(path.join(worktree, "move-me.txt"), path.join(worktree, "moved.txt"));

    const result = await diffWorktree(worktree, base);
    expect(result.files).toEqual([
      { path: "edit.txt", status: "modified", additions: 2, deletions: 1, binary: false },
      { path: "gone.txt", status: "deleted", additions: 0, deletions: 2, binary: false },
      { path: "image.bin", status: "added", additions: 0, deletions: 0, binary: true },
      { path: "moved.txt", oldPath: "move-me.txt", status: "renamed", additions: 0, deletions: 0, binary: false },
      { path: "new/file.txt", status: "added", additions: 2, deletions: 0, binary: false },
    ]);
    expect(result.stats).toEqual({ files: 5, additions: 4, deletions: 3 });
    expect(result.diff).toContain("diff --git a/edit.txt b/edit.txt\n");
    expect(result.diff).toContain("-two\n+2\n");
    expect(result.diff).toContain("deleted file mode 100644");
    expect(result.diff).toContain("+++ b/new/file.txt\n@@ -0,0 +1,2 @@\n+brand\n+new\n");
    expect(result.diff).toContain("rename from move-me.txt\nrename to moved.txt\n");
    expect(result.diff).toContain("Binary files /dev/null and b/image.bin differ");
    expect(result.diff).not.toContain("ignored/cache.txt");
    expect(result.diff).not.toContain("debug.log");
    expect(result.diffBytes).toBe(Buffer.byteLength(result.diff));
  });

  it("snapshots the same tree id until the contents change", async () => {
    const worktree = await freshWorktree();
    const untouched = await snapshotWorktree(worktree);
    expect(untouched).toBe(await git(repo, "rev-parse", `${base}^{tree}`));
    await writeFiles(worktree, { "edit.txt": "changed\n" });
    const changed = await snapshotWorktree(worktree);
    expect(changed).not.toBe(untouched);
    expect(await snapshotWorktree(worktree)).toBe(changed);
    await writeFiles(worktree, { "edit.txt": "one\ntwo\nthree\n" });
    expect(await snapshotWorktree(worktree)).toBe(untouched);
    expect((await diffWorktree(worktree, base)).tree).toBe(untouched);
  });

  it("reports awkward file names exactly", async () => {
    const worktree = await freshWorktree();
    await writeFiles(worktree, { "dir/with space\tand tab.txt": "t\n", "héllo.md": "h\n" });
    const result = await diffWorktree(worktree, base);
    expect(result.files.map((f) => [f.path, f.additions])).toEqual([
      ["dir/with space\tand tab.txt", 1],
      ["héllo.md", 1],
    ]);
    expect(result.diff).toContain("+++ b/héllo.md\n");
  });

  it("leaves the worktree's real index as it was", async () => {
    const worktree = await freshWorktree();
    await writeFiles(worktree, { "edit.txt": "changed\n", "untracked.txt": "u\n", "staged.txt": "s\n" });
    await git(worktree, "add", "staged.txt");
    const before = await git(worktree, "status", "--porcelain");
    const admin = path.resolve(worktree, await git(worktree, "rev-parse", "--git-dir"));
    const adminBefore = (await fs.readdir(admin)).sort();

    const result = await diffWorktree(worktree, base);
    expect(result.files.map((f) => f.path)).toEqual(["edit.txt", "staged.txt", "untracked.txt"]);
    expect(await git(worktree, "status", "--porcelain")).toBe(before);
    expect(before).toContain("?? untracked.txt");
    // The temporary index is gone.
    expect((await fs.readdir(admin)).sort()).toEqual(adminBefore);
  });

  it("includes commits the agent made itself, relative to the start commit", async () => {
    const worktree = await freshWorktree();
    await writeFiles(worktree, { "committed-by-agent.txt": "c\n" });
    await git(worktree, "add", "-A");
    await git(worktree, "commit", "-q", "-m", "agent commit");
    await writeFiles(worktree, { "after.txt": "a\n" });
    const result = await diffWorktree(worktree, base);
    expect(result.files.map((f) => f.path)).toEqual(["after.txt", "committed-by-agent.txt"]);
  });

  it("cuts a diff over the limit at a line boundary and says so", async () => {
    const worktree = await freshWorktree();
    const big = Array.from({ length: 2000 }, (_, i) => `line ${i} ${"x".repeat(40)}`).join("\n");
    await writeFiles(worktree, { "big.txt": `${big}\n`, "edit.txt": "edited\n" });

    const full = await diffWorktree(worktree, base);
    const cut = await diffWorktree(worktree, base, { maxDiffBytes: 10_000 });
    expect(full.diffTruncated).toBe(false);
    expect(cut.diffTruncated).toBe(true);
    expect(cut.diffBytes).toBe(full.diffBytes);
    expect(cut.diff).toMatch(/\n\[baton: diff truncated, showing \d+ of \d+ bytes; the file list and stats cover every change\]\n$/);
    expect(cut.diff).toContain(`of ${full.diffBytes} bytes`);
    const kept = cut.diff.slice(0, cut.diff.lastIndexOf("[baton:"));
    expect(full.diff.startsWith(kept)).toBe(true);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(10_000);
    expect(cut.stats).toEqual(full.stats);
    expect(cut.files).toEqual(full.files);
  });
});

describe("WorktreeSnapshotter", () => {
  it("re-stages only the named paths when given them, everything on a full snapshot; never touches the real index", async () => {
    const worktree = await freshWorktree();
    const indexPath = path.resolve(worktree, await git(worktree, "rev-parse", "--git-path", "index"));
    const realIndex = await fs.readFile(indexPath);
    const snapshotter = new WorktreeSnapshotter(worktree);
    await writeFiles(worktree, { "edit.txt": "one\nTWO\nthree\n", "told.txt": "named by the tool call\n", "silent.txt": "written without a word\n" });
    const changed = async (tree: string) => (await diffTrees(worktree, base, tree)).files.map((f) => `${f.status} ${f.path}`);

    // Limited to what a tool call named: the silent file is not walked, so not seen yet.
    expect(await changed(await snapshotter.snapshot(["told.txt", "edit.txt"]))).toEqual(["modified edit.txt", "added told.txt"]);
    // A deleted path is staged as a deletion; a path that never existed falls back to a full walk.
    await writeFiles(worktree, { "gone.txt": null });
    expect(await changed(await snapshotter.snapshot(["gone.txt"]))).toEqual(["modified edit.txt", "deleted gone.txt", "added told.txt"]);
    expect(await changed(await snapshotter.snapshot(["never-existed.txt"]))).toEqual([
      "modified edit.txt",
      "deleted gone.txt",
      "added silent.txt",
      "added told.txt",
    ]);
    // A full snapshot equals snapshotWorktree's.
    const full = await snapshotter.snapshot(null);
    const reference = await snapshotWorktree(worktree);
    expect(await git(worktree, "diff-tree", "-r", "--name-status", full, reference)).toBe("");
    expect(full).toBe(reference);
    await snapshotter.dispose();
    expect((await fs.readFile(indexPath)).equals(realIndex)).toBe(true);
    expect(await git(worktree, "status", "--porcelain")).toContain("?? told.txt");
  });
});
