import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitError } from "./errors";
import { parseRepoRootsOrThrow, resolveRepoOrThrow } from "./resolve-repo";
import { commitFiles, createRepo, git, makeTempDir } from "./test-repos";

let tmp: string;
let repo: string;
let first: string;
let second: string;

beforeAll(async () => {
  tmp = await makeTempDir("baton-git-resolve");
  ({ repo, commit: first } = await createRepo(path.join(tmp, "roots", "allowed", "repo"), { "a.txt": "a\n" }));
  second = await commitFiles(repo, { "b.txt": "b\n" }, "second");
  await git(repo, "tag", "v1", first);
  await git(repo, "tag", "-a", "-m", "annotated", "v1-annotated", first);
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; field: string | null; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GitError) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error("expected a GitError");
}

describe("resolveRepoOrThrow", () => {
  it("returns the real path and the commit a ref names", async () => {
    expect(await resolveRepoOrThrow(repo, "HEAD", { roots: [] })).toEqual({ repo, baseCommit: second });
    expect((await resolveRepoOrThrow(repo, "main~1", { roots: [] })).baseCommit).toBe(first);
    expect((await resolveRepoOrThrow(repo, "v1", { roots: [] })).baseCommit).toBe(first);
    // An annotated tag peels to its commit.
    expect((await resolveRepoOrThrow(repo, "v1-annotated", { roots: [] })).baseCommit).toBe(first);
    expect((await resolveRepoOrThrow(repo, first.slice(0, 10), { roots: [] })).baseCommit).toBe(first);
  });

  it("defaults baseRef to HEAD and resolves a symlinked path to the real repo", async () => {
    const link = path.join(tmp, "link-to-repo");
    await fs.symlink(repo, link);
    expect(await resolveRepoOrThrow(link, undefined, { roots: [] })).toEqual({ repo, baseCommit: second });
  });

  it("rejects a relative or empty path", async () => {
    expect(await codeOf(resolveRepoOrThrow("roots/allowed/repo", "HEAD", { roots: [] }))).toMatchObject({
      code: "repo_not_absolute",
      field: "repo",
    });
    expect(await codeOf(resolveRepoOrThrow("  ", "HEAD", { roots: [] }))).toMatchObject({ code: "repo_not_absolute" });
  });

  it("rejects a missing path, a file, a plain directory and a bare repository", async () => {
    const missing = await codeOf(resolveRepoOrThrow(path.join(tmp, "nope"), "HEAD", { roots: [] }));
    expect(missing).toMatchObject({ code: "repo_not_found", field: "repo" });
    expect(missing.message).toContain(path.join(tmp, "nope"));

    await fs.writeFile(path.join(tmp, "file"), "x");
    expect(await codeOf(resolveRepoOrThrow(path.join(tmp, "file"), "HEAD", { roots: [] }))).toMatchObject({
      code: "repo_not_directory",
    });

    await fs.mkdir(path.join(tmp, "plain"));
    expect(await codeOf(resolveRepoOrThrow(path.join(tmp, "plain"), "HEAD", { roots: [] }))).toMatchObject({
      code: "repo_not_git",
      field: "repo",
    });

    await git(tmp, "init", "-q", "--bare", "bare.git");
    expect(await codeOf(resolveRepoOrThrow(path.join(tmp, "bare.git"), "HEAD", { roots: [] }))).toMatchObject({
      code: "repo_bare",
    });
  });

  it("rejects a subdirectory of a repository and its .git directory", async () => {
    await fs.mkdir(path.join(repo, "sub"), { recursive: true });
    expect(await codeOf(resolveRepoOrThrow(path.join(repo, "sub"), "HEAD", { roots: [] }))).toMatchObject({
      code: "repo_not_git",
    });
    expect(await codeOf(resolveRepoOrThrow(path.join(repo, ".git"), "HEAD", { roots: [] }))).toMatchObject({
      code: "repo_not_toplevel",
    });
  });

  it("confines repos to the roots, by real path", async () => {
    const roots = [path.join(tmp, "roots", "allowed")];
    expect((await resolveRepoOrThrow(repo, "HEAD", { roots })).repo).toBe(repo);

    const { repo: outside } = await createRepo(path.join(tmp, "outside"), { "x.txt": "x\n" });
    const out = await codeOf(resolveRepoOrThrow(outside, "HEAD", { roots }));
    expect(out).toMatchObject({ code: "repo_outside_roots", field: "repo" });

    // `..` lexically inside a root, really outside.
    const dotted = path.join(tmp, "roots", "allowed", "..", "..", "outside");
    expect(await codeOf(resolveRepoOrThrow(dotted, "HEAD", { roots }))).toMatchObject({ code: "repo_outside_roots" });

    // A symlink inside a root pointing outside it.
    const escape = path.join(tmp, "roots", "allowed", "escape");
    await fs.symlink(outside, escape);
    const escaped = await codeOf(resolveRepoOrThrow(escape, "HEAD", { roots }));
    expect(escaped.code).toBe("repo_outside_roots");
    expect(escaped.message).toContain(outside);

    // A sibling whose name merely starts with the root's name is not inside it.
    const { repo: sibling } = await createRepo(path.join(tmp, "roots", "allowed-not"), { "y.txt": "y\n" });
    expect(await codeOf(resolveRepoOrThrow(sibling, "HEAD", { roots }))).toMatchObject({ code: "repo_outside_roots" });

    // A symlinked root is compared by its real path too.
    const rootLink = path.join(tmp, "root-link");
    await fs.symlink(path.join(tmp, "roots", "allowed"), rootLink);
    expect((await resolveRepoOrThrow(repo, "HEAD", { roots: [rootLink] })).repo).toBe(repo);
  });

  it("reads BATON_REPO_ROOTS when no roots are passed", async () => {
    const saved = process.env.BATON_REPO_ROOTS;
    try {
      process.env.BATON_REPO_ROOTS = `${path.join(tmp, "missing-root")}::${path.join(tmp, "outside")}`;
      expect(await codeOf(resolveRepoOrThrow(repo))).toMatchObject({ code: "repo_outside_roots" });
      process.env.BATON_REPO_ROOTS = `${path.join(tmp, "elsewhere")}:${path.join(tmp, "roots")}`;
      expect((await resolveRepoOrThrow(repo)).repo).toBe(repo);
      process.env.BATON_REPO_ROOTS = "relative/root";
      expect(await codeOf(resolveRepoOrThrow(repo))).toMatchObject({ code: "roots_invalid", field: null });
    } finally {
      if (saved === undefined) delete process.env.BATON_REPO_ROOTS;
      else process.env.BATON_REPO_ROOTS = saved;
    }
  });

  it("rejects refs that are malformed or name no commit", async () => {
    for (const ref of ["", "--output=/tmp/x", "main branch", "a\nb"]) {
      expect(await codeOf(resolveRepoOrThrow(repo, ref, { roots: [] }))).toMatchObject({
        code: "ref_invalid",
        field: "baseRef",
      });
    }
    const missing = await codeOf(resolveRepoOrThrow(repo, "no-such-branch", { roots: [] }));
    expect(missing).toMatchObject({ code: "ref_not_found", field: "baseRef" });
    expect(missing.message).toContain("no-such-branch");
    // A tree is an object but not a commit.
    expect(await codeOf(resolveRepoOrThrow(repo, "HEAD^{tree}", { roots: [] }))).toMatchObject({ code: "ref_not_found" });
  });

  it("says so when the repository has no commits", async () => {
    const empty = path.join(tmp, "empty");
    await fs.mkdir(empty);
    await git(empty, "init", "-q");
    const result = await codeOf(resolveRepoOrThrow(empty, "HEAD", { roots: [] }));
    expect(result).toMatchObject({ code: "ref_not_found" });
    expect(result.message).toContain("no commits");
  });
});

describe("parseRepoRootsOrThrow", () => {
  it("splits on colons, drops empty entries and requires absolute paths", () => {
    expect(parseRepoRootsOrThrow(undefined)).toEqual([]);
    expect(parseRepoRootsOrThrow("")).toEqual([]);
    expect(parseRepoRootsOrThrow("/a::/b/c:")).toEqual(["/a", "/b/c"]);
    expect(() => parseRepoRootsOrThrow("/a:b")).toThrow(/"b" is not an absolute path/);
  });
});
