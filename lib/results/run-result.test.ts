// A run's result end to end: real repositories, real flow runs through the real dispatcher
// and engine, then the result computed and taken (branch, merge, patch, push) with real git.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openHarness, type Harness } from "../engine/testing/harness";
import { commitFiles, createRepo, git, makeTempDir, writeFiles } from "../git/test-repos";
import { HttpError } from "../http/errors";
import { insertMissingProfiles } from "../profiles/repository";
import { startRunOrThrow } from "../runs/service";
import { createResultBranchOrThrow, exportResultPatchOrThrow, mergeResultOrThrow, pushResultOrThrow } from "./result-actions";
import { computeRunResultOrThrow, resultRefName } from "./run-result";
import { runResultSchema } from "./schemas";

/** An agent node whose "agent" is an sh script (command backend, a profile of its own). */
const scripts = new Map<string, string>();
const script = (id: string, shell: string, extra: Record<string, unknown> = {}) => {
  scripts.set(`result-${id}`, shell);
  return { id, kind: "agent", config: { profile: `result-${id}`, prompt: `do ${id}`, ...extra } };
};
const errorOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
};

describe("run result", () => {
  let h: Harness;
  let dir: string;
  let n = 0;

  beforeAll(async () => {
    h = await openHarness("pglite");
    dir = await makeTempDir("baton-result");
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const freshRepo = async () => (await createRepo(path.join(dir, `repo-${++n}`), { "README.md": "# Project\n", "src/app.js": "export const x = 1;\n" })).repo;
  const run = async (repo: string, document: { nodes: unknown[]; edges: unknown[] }) => {
    await insertMissingProfiles(
      h.db.orm,
      [...scripts].map(([id, shell]) => ({ id, backend: "command", label: "test script", config: { command: ["sh", "-c", shell] } })),
    );
    const flowId = await h.createFlow({ name: `result ${n}`, inputs: [], ...document });
    const started = await startRunOrThrow(h.db, { flowId, inputs: {}, repo, origin: "api" });
    return h.drain(started.id);
  };

  it("one sink: the last code step's result, with the combined diff against the base; read twice, the same", async () => {
    const repo = await freshRepo();
    const base = await git(repo, "rev-parse", "HEAD");
    const done = await run(repo, {
      nodes: [script("one", "echo one > one.txt"), script("two", "echo two > two.txt && echo 'export const x = 2;' > src/app.js"), { id: "ok", kind: "approval", config: {} }],
      edges: [
        { from: "one", to: "two" },
        { from: "two", to: "ok" },
      ],
    });
    // The approval is the sink, with no commit of its own: it waits, and the run's result so far
    // is labelled partial.
    expect(done.status).toBe("waiting");
    const two = done.steps.find((s) => s.key === "two")!;
    const { result } = await computeRunResultOrThrow(h.db.orm, done.id);
    expect(runResultSchema.parse(result)).toEqual(result);
    expect(result).toMatchObject({ state: "ready", partial: true, commit: two.resultCommit, baseCommit: base, ref: resultRefName(done.id) });
    expect(result.sources.map((s) => s.key)).toEqual(["two"]);
    expect(result.steps.map((s) => s.key)).toEqual(["one", "two"]);
    expect(result.stats).toEqual({ files: 3, additions: 3, deletions: 1 });
    expect(result.files.map((f) => f.path).sort()).toEqual(["one.txt", "src/app.js", "two.txt"]);
    expect(result.diff).toContain("+export const x = 2;");
    expect(result.merge).toMatchObject({ into: "main", tip: base, state: "fast-forward", checkout: { path: repo, dirtyPaths: [] } });
    expect(await git(repo, "rev-parse", resultRefName(done.id))).toBe(two.resultCommit);
    // Out of the user's branch list.
    expect(await git(repo, "branch", "--list", "--format=%(refname:short)")).not.toContain("result");
  });

  it("several sinks: their results merged off-tree, deterministically; a conflict names the paths", async () => {
    const repo = await freshRepo();
    const done = await run(repo, {
      nodes: [script("root", "echo root > root.txt"), script("left", "echo left > left.txt"), script("right", "echo right > right.txt")],
      edges: [
        { from: "root", to: "left" },
        { from: "root", to: "right" },
      ],
    });
    expect(done.status).toBe("succeeded");
    const first = (await computeRunResultOrThrow(h.db.orm, done.id)).result;
    expect(first).toMatchObject({ state: "ready", partial: false });
    expect(first.sources.map((s) => s.key)).toEqual(["left", "right"]);
    expect(await git(repo, "rev-list", "--parents", "-n", "1", first.commit!)).toBe(
      [first.commit, ...first.sources.map((s) => s.commit)].join(" "),
    );
    expect((await git(repo, "ls-tree", "--name-only", first.commit!)).split("\n").sort()).toEqual(["README.md", "left.txt", "right.txt", "root.txt", "src"]);
    const second = (await computeRunResultOrThrow(h.db.orm, done.id)).result;
    expect(second.commit).toBe(first.commit);

    const clash = await run(repo, {
      nodes: [script("a", "echo from-a > src/app.js"), script("b", "echo from-b > src/app.js && echo b > b.txt")],
      edges: [],
    });
    const conflicted = (await computeRunResultOrThrow(h.db.orm, clash.id)).result;
    expect(conflicted).toMatchObject({ state: "conflict", commit: null, conflict: { paths: ["src/app.js"] } });
    expect(conflicted.reason).toContain("conflict in: src/app.js");
    expect((await errorOf(mergeResultOrThrow(h.db.orm, clash.id))).status).toBe(409);
  });

  it("a failed run's partial result is what succeeded before the failure", async () => {
    const repo = await freshRepo();
    const done = await run(repo, {
      nodes: [script("good", "echo good > good.txt"), script("bad", "echo half > half.txt; exit 3"), script("after", "echo after > after.txt")],
      edges: [
        { from: "good", to: "bad" },
        { from: "bad", to: "after" },
      ],
    });
    expect(done.status).toBe("failed");
    const { result } = await computeRunResultOrThrow(h.db.orm, done.id);
    expect(result).toMatchObject({ state: "ready", partial: true, runStatus: "failed" });
    expect(result.commit).toBe(done.steps.find((s) => s.key === "good")!.resultCommit);
    expect(result.files.map((f) => f.path)).toEqual(["good.txt"]);
  });

  it("merges into the base: fast-forward of a clean checkout, never touching a dirty one, a merge commit when main moved, refused with conflicting paths", async () => {
    const repo = await freshRepo();
    const done = await run(repo, { nodes: [script("edit", "echo 'export const x = 3;' > src/app.js && echo new > new.txt")], edges: [] });
    const { result } = await computeRunResultOrThrow(h.db.orm, done.id);

    // Dirty checkout of main: refused with the path; nothing moves, the user's edit stays.
    await writeFiles(repo, { "README.md": "# my unsaved edit\n" });
    const before = await git(repo, "rev-parse", "main");
    const refused = await errorOf(mergeResultOrThrow(h.db.orm, done.id));
    expect(refused.status).toBe(409);
    expect(refused.message).toContain("uncommitted changes in: README.md");
    expect(await git(repo, "rev-parse", "main")).toBe(before);
    expect(fs.readFileSync(path.join(repo, "README.md"), "utf8")).toBe("# my unsaved edit\n");
    expect(fs.existsSync(path.join(repo, "new.txt"))).toBe(false);
    const preview = (await computeRunResultOrThrow(h.db.orm, done.id)).result.merge;
    expect(preview?.checkout?.dirtyPaths).toEqual(["README.md"]);

    // Clean: the checkout fast-forwards, files and all.
    await git(repo, "checkout", "--", "README.md");
    const merged = await mergeResultOrThrow(h.db.orm, done.id);
    expect(merged).toMatchObject({ into: "main", mode: "fast-forward", before, after: result.commit, checkout: repo });
    expect(await git(repo, "rev-parse", "main")).toBe(result.commit);
    expect(fs.readFileSync(path.join(repo, "new.txt"), "utf8")).toBe("new\n");
    expect(await git(repo, "status", "--porcelain")).toBe("");
    expect(await mergeResultOrThrow(h.db.orm, done.id)).toMatchObject({ mode: "up-to-date" });

    // main moves on; a second run merges with a merge commit, on a branch not checked out.
    const second = await run(repo, { nodes: [script("more", "echo more > more.txt")], edges: [] });
    await commitFiles(repo, { "user.txt": "the user's own commit\n" }, "user work");
    await git(repo, "checkout", "-q", "-b", "elsewhere");
    const tip = await git(repo, "rev-parse", "main");
    const mergeResult = await mergeResultOrThrow(h.db.orm, second.id, { into: "main" });
    expect(mergeResult).toMatchObject({ into: "main", mode: "merge", before: tip, checkout: null });
    expect(await git(repo, "rev-list", "--parents", "-n", "1", "main")).toBe(
      `${mergeResult.after} ${tip} ${(await computeRunResultOrThrow(h.db.orm, second.id)).result.commit}`,
    );
    expect(await git(repo, "log", "-1", "--format=%s", "main")).toBe(`Merge Baton run ${second.id} (result ${n}) into main`);
    expect(await git(repo, "show", "main:more.txt")).toBe("more");
    await git(repo, "checkout", "-q", "main");

    // A run whose change conflicts with main's: refused, naming the path; main unchanged.
    const third = await run(repo, { nodes: [script("clash", "echo run > user.txt")], edges: [] });
    await commitFiles(repo, { "user.txt": "changed again by the user\n" }, "user edits user.txt");
    const mainTip = await git(repo, "rev-parse", "main");
    const conflict = await errorOf(mergeResultOrThrow(h.db.orm, third.id));
    expect(conflict.status).toBe(409);
    expect(conflict.message).toContain("conflicts in: user.txt");
    expect(await git(repo, "rev-parse", "main")).toBe(mainTip);
    expect(await git(repo, "status", "--porcelain")).toBe("");
    const bad = await errorOf(mergeResultOrThrow(h.db.orm, third.id, { into: "no-such-branch" }));
    expect(bad.status).toBe(400);
    expect(bad.issues[0].path).toBe("into");
  });

  it("creates a branch at the result; refuses an existing or invalid name", async () => {
    const repo = await freshRepo();
    const done = await run(repo, { nodes: [script("work", "echo work > work.txt")], edges: [] });
    const created = await createResultBranchOrThrow(h.db.orm, done.id, { name: "feature/from-baton" });
    expect(await git(repo, "rev-parse", "feature/from-baton")).toBe(created.commit);
    expect((await computeRunResultOrThrow(h.db.orm, done.id)).result.branches).toEqual(["feature/from-baton"]);
    expect((await errorOf(createResultBranchOrThrow(h.db.orm, done.id, { name: "feature/from-baton" }))).status).toBe(409);
    expect((await errorOf(createResultBranchOrThrow(h.db.orm, done.id, { name: "main" }))).message).toContain('branch "main" already exists');
    const invalid = await errorOf(createResultBranchOrThrow(h.db.orm, done.id, { name: "bad..name" }));
    expect(invalid.status).toBe(400);
    expect(invalid.issues[0].path).toBe("name");
  });

  it("exports a format-patch series, one commit per step with its prompt and profile, that git am applies to the result's tree", async () => {
    const repo = await freshRepo();
    const base = await git(repo, "rev-parse", "HEAD");
    const done = await run(repo, {
      nodes: [script("first", "echo first > first.txt"), script("second", "echo second >> first.txt && echo s > s.txt")],
      edges: [{ from: "first", to: "second" }],
    });
    const { result } = await computeRunResultOrThrow(h.db.orm, done.id);
    const exported = await exportResultPatchOrThrow(h.db.orm, done.id, h.dataDir);
    expect(exported.commits).toBe(2);
    expect(exported.patch.match(/^From [0-9a-f]{40} /gm)).toHaveLength(2);
    expect(exported.patch).toContain("Subject: [PATCH 1/2] first:");
    expect(exported.patch).toContain("Subject: [PATCH 2/2] second:");
    expect(exported.patch).toContain("Profile: result-second");
    expect(exported.patch).toContain("Prompt:\n    do second");
    // No temporary worktree is left registered.
    expect(await git(repo, "worktree", "list", "--porcelain")).not.toContain("patch-");
    // Applied to a clone at the base, the series rebuilds the result's tree exactly.
    const clone = path.join(dir, `clone-${n}`);
    await git(dir, "clone", "-q", repo, clone);
    await git(clone, "checkout", "-q", "--detach", base);
    const patchFile = path.join(dir, `run-${n}.patch`);
    fs.writeFileSync(patchFile, exported.patch);
    await git(clone, "am", "-q", patchFile);
    expect(await git(clone, "rev-parse", "HEAD^{tree}")).toBe(await git(repo, "rev-parse", `${result.commit}^{tree}`));
    expect(await git(clone, "log", "--format=%s", `${base}..HEAD`)).toMatch(/^second: .*\nfirst: /);
  });

  it("pushes the result to a bare repository on disk; names a remote that doesn't exist", async () => {
    const repo = await freshRepo();
    const bare = path.join(dir, `bare-${n}.git`);
    await git(dir, "init", "-q", "--bare", bare);
    await git(repo, "remote", "add", "origin", bare);
    const done = await run(repo, { nodes: [script("ship", "echo ship > ship.txt")], edges: [] });
    const { result } = await computeRunResultOrThrow(h.db.orm, done.id);
    expect(result.remotes).toEqual([{ name: "origin", url: bare }]);
    const pushed = await pushResultOrThrow(h.db.orm, done.id, { remote: "origin", branch: "baton/ship" });
    expect(pushed).toEqual({ remote: "origin", url: bare, branch: "baton/ship", commit: result.commit, compareUrl: null });
    expect(await git(bare, "rev-parse", "refs/heads/baton/ship")).toBe(result.commit);
    const missing = await errorOf(pushResultOrThrow(h.db.orm, done.id, { remote: "upstream", branch: "x" }));
    expect(missing.status).toBe(400);
    expect(missing.issues[0]).toMatchObject({ path: "remote" });
    expect(missing.message).toContain("remotes: origin");
  });

  it("a run without a repository has no result to take", async () => {
    const flowId = await h.createFlow({ name: "no repo", inputs: [], nodes: [{ id: "a", kind: "agent", config: { profile: "demo", prompt: "hi" } }], edges: [] });
    const started = await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" });
    const done = await h.drain(started.id);
    const { result } = await computeRunResultOrThrow(h.db.orm, done.id);
    expect(result).toMatchObject({ state: "none", reason: "the run has no repository", commit: null });
    expect((await errorOf(createResultBranchOrThrow(h.db.orm, done.id, { name: "x" }))).status).toBe(409);
    expect((await errorOf(computeRunResultOrThrow(h.db.orm, "nope"))).status).toBe(404);
  });
});
