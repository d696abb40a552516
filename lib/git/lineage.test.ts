/**
 * Lineage through the shapes a flow makes: a chain, an arena, a fold, a conflict, a re-run.
 * Each test plays the engine's part: prepare a worktree, change files as an agent would,
 * commit, pass the result commit downstream.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitWorktreeOrThrow } from "./commit-worktree";
import { GitError, MergeConflictError } from "./errors";
import { prepareWorktreeOrThrow, type PrepareWorktreeInput } from "./prepare-worktree";
import { cleanupRunWorktrees } from "./remove-worktree";
import { runGitOrThrow } from "./run-git";
import { commitFiles, createRepo, git, makeTempDir, readFileOrNull, writeFiles } from "./test-repos";

let tmp: string;
let repo: string;
let base: string;
let root: string;

beforeAll(async () => {
  tmp = await makeTempDir("baton-git-lineage");
  ({ repo, commit: base } = await createRepo(path.join(tmp, "repo"), {
    "README.md": "# Project\n",
    "src/app.txt": "line 1\nline 2\nline 3\n",
  }));
  root = path.join(tmp, "data", "worktrees");
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

function input(runId: string, nodeKey: string, start: PrepareWorktreeInput["start"], attempt = 0): PrepareWorktreeInput {
  return { repo, root, runId, nodeKey, attempt, start };
}

describe("prepareWorktreeOrThrow", () => {
  it("creates the attempt's ref and a detached worktree at the start commit, no branch", async () => {
    const branchesBefore = await git(repo, "branch", "-a");
    const prepared = await prepareWorktreeOrThrow(input("run_a", "plan", { commit: base }));
    expect(prepared).toEqual({
      path: path.join(root, "run_a", "plan-0"),
      ref: "refs/baton/run_a/plan-0",
      origin: "added",
      startCommit: base,
      inputCommits: [base],
    });
    expect(await git(prepared.path, "rev-parse", "HEAD")).toBe(base);
    expect(await git(repo, "rev-parse", "refs/baton/run_a/plan-0")).toBe(base);
    const symbolic = await runGitOrThrow(["symbolic-ref", "-q", "HEAD"], { cwd: prepared.path, allowExitCodes: [1] });
    expect(symbolic.exitCode).toBe(1);
    expect(await git(repo, "branch", "-a")).toBe(branchesBefore);
    // Every git command an agent may run works in it, `git branch` included.
    expect(await git(prepared.path, "branch")).toMatch(/^\* \((no branch|HEAD detached at [0-9a-f]+)\)$/m);
    expect(await readFileOrNull(prepared.path, "src/app.txt")).toBe("line 1\nline 2\nline 3\n");
    expect(await git(prepared.path, "status", "--porcelain")).toBe("");
    // The user's checkout is untouched.
    expect(await git(repo, "symbolic-ref", "HEAD")).toBe("refs/heads/main");
  });

  it("names contestant keys apart from node ids", async () => {
    const contestant = await prepareWorktreeOrThrow(input("run_names", "build#1", { commit: base }));
    const lookalike = await prepareWorktreeOrThrow(input("run_names", "build-1", { commit: base }));
    expect(contestant.ref).toBe("refs/baton/run_names/build.1-0");
    expect(lookalike.ref).toBe("refs/baton/run_names/build-1-0");
    expect(contestant.path).not.toBe(lookalike.path);
  });

  it("passes lineage through a chain: step 2 starts from step 1's result", async () => {
    const step1 = await prepareWorktreeOrThrow(input("run_chain", "one", { commit: base }));
    await writeFiles(step1.path, { "src/app.txt": "line 1\nline 2 (one)\nline 3\n" });
    const result1 = await commitWorktreeOrThrow(step1.path, "one", step1.startCommit);
    expect(result1.committed).toBe(true);

    const step2 = await prepareWorktreeOrThrow(input("run_chain", "two", { commit: result1.resultCommit }));
    expect(step2.startCommit).toBe(result1.resultCommit);
    expect(await readFileOrNull(step2.path, "src/app.txt")).toBe("line 1\nline 2 (one)\nline 3\n");
    await writeFiles(step2.path, { "NOTES.md": "two was here\n" });
    const result2 = await commitWorktreeOrThrow(step2.path, "two", step2.startCommit, { ref: step2.ref });

    // Step 2's diff is only its own change; its commit descends from step 1's.
    expect(result2.files.map((f) => f.path)).toEqual(["NOTES.md"]);
    expect(await git(repo, "rev-parse", `${result2.resultCommit}^`)).toBe(result1.resultCommit);
    expect(await git(repo, "rev-parse", "refs/baton/run_chain/two-0")).toBe(result2.resultCommit);
  });

  it("gives arena contestants separate worktrees from one start commit; the winner flows on", async () => {
    const [a, b] = await Promise.all([
      prepareWorktreeOrThrow(input("run_arena", "build#0", { commit: base })),
      prepareWorktreeOrThrow(input("run_arena", "build#1", { commit: base })),
    ]);
    expect(a.startCommit).toBe(base);
    expect(b.startCommit).toBe(base);
    expect(a.path).not.toBe(b.path);

    await writeFiles(a.path, { "src/app.txt": "contestant a\n" });
    await writeFiles(b.path, { "src/app.txt": "contestant b\n", "extra.txt": "b only\n" });
    const [resultA, resultB] = await Promise.all([
      commitWorktreeOrThrow(a.path, "build#0", a.startCommit),
      commitWorktreeOrThrow(b.path, "build#1", b.startCommit),
    ]);
    // Neither contestant sees the other's work.
    expect(await readFileOrNull(a.path, "extra.txt")).toBeNull();
    expect(resultA.resultCommit).not.toBe(resultB.resultCommit);

    // Select picks b; downstream starts from b's commit.
    const next = await prepareWorktreeOrThrow(input("run_arena", "summary", { commit: resultB.resultCommit }));
    expect(await readFileOrNull(next.path, "src/app.txt")).toBe("contestant b\n");
    expect(await readFileOrNull(next.path, "extra.txt")).toBe("b only\n");
  });

  it("starts a fold from the merge of its inputs, containing both changes", async () => {
    const left = await prepareWorktreeOrThrow(input("run_fold", "left", { commit: base }));
    const right = await prepareWorktreeOrThrow(input("run_fold", "right", { commit: base }));
    await writeFiles(left.path, { "src/app.txt": "line 1 (left)\nline 2\nline 3\n", "left.txt": "L\n" });
    await writeFiles(right.path, { "src/app.txt": "line 1\nline 2\nline 3 (right)\n", "README.md": null });
    const leftResult = await commitWorktreeOrThrow(left.path, "left", left.startCommit);
    const rightResult = await commitWorktreeOrThrow(right.path, "right", right.startCommit);

    const fold = await prepareWorktreeOrThrow(
      input("run_fold", "fold", { merge: [leftResult.resultCommit, rightResult.resultCommit] }),
    );
    expect(fold.inputCommits).toEqual([leftResult.resultCommit, rightResult.resultCommit]);
    const parents = (await git(fold.path, "rev-list", "--parents", "-n", "1", "HEAD")).split(" ");
    expect(parents).toEqual([fold.startCommit, leftResult.resultCommit, rightResult.resultCommit]);
    expect(await readFileOrNull(fold.path, "src/app.txt")).toBe("line 1 (left)\nline 2\nline 3 (right)\n");
    expect(await readFileOrNull(fold.path, "left.txt")).toBe("L\n");
    expect(await readFileOrNull(fold.path, "README.md")).toBeNull();
    expect(await git(fold.path, "log", "-1", "--format=%an <%ae>|%cn <%ce>")).toBe(
      "Baton <baton@localhost>|Baton <baton@localhost>",
    );
    expect(await git(fold.path, "status", "--porcelain")).toBe("");
  });

  it("merges three inputs one after another, and fast-forwards when one contains another", async () => {
    const c1 = await prepareWorktreeOrThrow(input("run_three", "c1", { commit: base }));
    const c1Result = await commitWorktreeOrThrow(c1.path, "c1", c1.startCommit);
    expect(c1Result.committed).toBe(false);
    await writeFiles(c1.path, { "one.txt": "1\n" });
    const r1 = (await commitWorktreeOrThrow(c1.path, "c1", c1.startCommit)).resultCommit;
    const c2 = await prepareWorktreeOrThrow(input("run_three", "c2", { commit: base }));
    await writeFiles(c2.path, { "two.txt": "2\n" });
    const r2 = (await commitWorktreeOrThrow(c2.path, "c2", c2.startCommit)).resultCommit;
    const c3 = await prepareWorktreeOrThrow(input("run_three", "c3", { commit: r2 }));
    await writeFiles(c3.path, { "three.txt": "3\n" });
    const r3 = (await commitWorktreeOrThrow(c3.path, "c3", c3.startCommit)).resultCommit;

    const all = await prepareWorktreeOrThrow(input("run_three", "all", { merge: [r1, r2, r3, r1] }));
    expect(all.inputCommits).toEqual([r1, r2, r3]);
    for (const name of ["one.txt", "two.txt", "three.txt"]) expect(await readFileOrNull(all.path, name)).not.toBeNull();

    // base is an ancestor of r3: merging it changes nothing; r3 after base fast-forwards.
    const ff = await prepareWorktreeOrThrow(input("run_three", "ff", { merge: [base, r3] }));
    expect(ff.startCommit).toBe(r3);
  });

  it("reports a merge conflict with the conflicting paths and leaves nothing behind", async () => {
    const left = await prepareWorktreeOrThrow(input("run_conflict", "left", { commit: base }));
    const right = await prepareWorktreeOrThrow(input("run_conflict", "right", { commit: base }));
    await writeFiles(left.path, { "src/app.txt": "left\n", "README.md": "# Left\n", "same.txt": "same\n" });
    await writeFiles(right.path, { "src/app.txt": "right\n", "README.md": "# Right\n", "same.txt": "same\n" });
    const l = await commitWorktreeOrThrow(left.path, "left", left.startCommit);
    const r = await commitWorktreeOrThrow(right.path, "right", right.startCommit);

    const attempt = input("run_conflict", "fold", { merge: [l.resultCommit, r.resultCommit] });
    const error = await prepareWorktreeOrThrow(attempt).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MergeConflictError);
    const conflict = error as MergeConflictError;
    expect(conflict.code).toBe("merge_conflict");
    expect(conflict.paths).toEqual(["README.md", "src/app.txt"]);
    expect(conflict.conflictingCommit).toBe(r.resultCommit);
    expect(conflict.message).toContain("README.md, src/app.txt");

    const wouldBe = path.join(root, "run_conflict", "fold-0");
    expect(await readFileOrNull(wouldBe, "README.md")).toBeNull();
    expect(await git(repo, "for-each-ref", "refs/baton/run_conflict/fold-0")).toBe("");
    expect(await git(repo, "worktree", "list", "--porcelain")).not.toContain(wouldBe);
  });

  it("re-runs from the recorded start commit exactly, even after the user's branch moved", async () => {
    const first = await prepareWorktreeOrThrow(input("run_rerun", "step", { commit: base }));
    await writeFiles(first.path, { "src/app.txt": "first try\n", "junk.txt": "junk\n" });
    const firstResult = await commitWorktreeOrThrow(first.path, "first try", first.startCommit, { ref: first.ref });
    // Meanwhile the user's main branch moves on.
    const moved = await commitFiles(repo, { "later.txt": "later\n" }, "later work on main");
    expect(moved).not.toBe(base);

    const rerun = await prepareWorktreeOrThrow(input("run_rerun", "step", { commit: first.startCommit }, 1));
    expect(rerun.ref).toBe("refs/baton/run_rerun/step-1");
    expect(rerun.startCommit).toBe(first.startCommit);
    expect(await git(rerun.path, "rev-parse", "HEAD^{tree}")).toBe(await git(repo, "rev-parse", `${base}^{tree}`));
    expect(await readFileOrNull(rerun.path, "junk.txt")).toBeNull();
    expect(await readFileOrNull(rerun.path, "later.txt")).toBeNull();
    expect(await git(rerun.path, "status", "--porcelain", "--ignored")).toBe("");
    // The first attempt's ref still holds its result.
    expect(await git(repo, "rev-parse", "refs/baton/run_rerun/step-0")).toBe(firstResult.resultCommit);
  });

  it("redoing the same attempt resets its worktree and ref", async () => {
    const once = await prepareWorktreeOrThrow(input("run_redo", "step", { commit: base }));
    await writeFiles(once.path, { "half-done.txt": "x\n" });
    await commitWorktreeOrThrow(once.path, "half", once.startCommit, { ref: once.ref });
    await writeFiles(once.path, { "uncommitted.txt": "y\n" });

    const again = await prepareWorktreeOrThrow(input("run_redo", "step", { commit: base }));
    expect(again.path).toBe(once.path);
    expect(await git(repo, "rev-parse", again.ref)).toBe(base);
    expect(await readFileOrNull(again.path, "half-done.txt")).toBeNull();
    expect(await readFileOrNull(again.path, "uncommitted.txt")).toBeNull();
  });

  it("recreates a worktree whose directory was deleted by hand", async () => {
    const once = await prepareWorktreeOrThrow(input("run_deleted", "step", { commit: base }));
    await fs.rm(once.path, { recursive: true, force: true });
    const again = await prepareWorktreeOrThrow(input("run_deleted", "step", { commit: base }));
    expect(await readFileOrNull(again.path, "README.md")).toBe("# Project\n");
  });

  it("prepares many worktrees of one repo concurrently", async () => {
    const keys = ["w0", "w1", "w2", "w3", "w4", "w5"];
    const prepared = await Promise.all(keys.map((key) => prepareWorktreeOrThrow(input("run_many", key, { commit: base }))));
    expect(new Set(prepared.map((p) => p.path)).size).toBe(keys.length);
    for (const p of prepared) expect(await git(p.path, "rev-parse", "HEAD")).toBe(base);
  });

  it("rejects start commits that don't exist and bad arguments", async () => {
    const missing = await prepareWorktreeOrThrow(input("run_bad", "x", { merge: [base, "0".repeat(40)] })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(GitError);
    expect((missing as GitError).code).toBe("commit_not_found");
    expect((missing as GitError).message).toContain("0".repeat(40));
    await expect(prepareWorktreeOrThrow(input("run_bad", "x", { commit: "--orphan" }))).rejects.toMatchObject({
      code: "commit_not_found",
    });
    await expect(prepareWorktreeOrThrow(input("run_bad", "x", { merge: [] }))).rejects.toMatchObject({
      code: "invalid_argument",
    });
    await expect(prepareWorktreeOrThrow({ ...input("run_bad", "x", { commit: base }), attempt: -1 })).rejects.toMatchObject({
      code: "invalid_argument",
    });
    await expect(prepareWorktreeOrThrow({ ...input("run_bad", "x", { commit: base }), root: "rel" })).rejects.toMatchObject({
      code: "invalid_argument",
    });
  });
});

describe("cleanupRunWorktrees", () => {
  it("removes a run's worktrees, uncommitted files included, and keeps every attempt ref", async () => {
    const a = await prepareWorktreeOrThrow(input("run_clean", "a", { commit: base }));
    const b = await prepareWorktreeOrThrow(input("run_clean", "b#0", { commit: base }));
    await writeFiles(a.path, { "done.txt": "done\n" });
    const aResult = await commitWorktreeOrThrow(a.path, "a", a.startCommit, { ref: a.ref });
    await writeFiles(b.path, { "untracked.txt": "never committed\n" });
    const other = await prepareWorktreeOrThrow(input("run_other", "a", { commit: base }));

    const { removed, kept } = await cleanupRunWorktrees(root, "run_clean");
    expect(removed.sort()).toEqual([a.path, b.path].sort());
    expect(kept).toEqual([]);
    await expect(fs.access(path.join(root, "run_clean"))).rejects.toThrow();
    const registered = await git(repo, "worktree", "list", "--porcelain");
    expect(registered).not.toContain(a.path);
    expect(registered).not.toContain(b.path);
    expect(await git(repo, "rev-parse", a.ref)).toBe(aResult.resultCommit);
    expect(await git(repo, "rev-parse", b.ref)).toBe(base);
    // Other runs are untouched; a second cleanup is a no-op.
    expect(await readFileOrNull(other.path, "README.md")).toBe("# Project\n");
    expect(await cleanupRunWorktrees(root, "run_clean")).toEqual({ removed: [], kept: [] });
  });
});
