// Named repositories: resolved through the starting process's map, checked at worker start.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkClonesOrThrow } from "./check-clones";
import { GitError } from "./errors";
import { gitSharingFromEnvOrThrow } from "./repo-map";
import { resolveRunRepoOrThrow, runRepoTag } from "./run-repo";
import { createRepo, git, makeTempDir } from "./test-repos";

let dir: string;
let repo: string;
let commit: string;

beforeAll(async () => {
  dir = await makeTempDir("baton-run-repo");
  ({ repo, commit } = await createRepo(path.join(dir, "app"), { "README.md": "# app\n" }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("resolveRunRepoOrThrow", () => {
  it("a name in the map is stored as the name, with the base commit from this process's clone and the repo tag", async () => {
    const sharing = gitSharingFromEnvOrThrow({ BATON_REPO_MAP: `app=${repo}` });
    expect(await resolveRunRepoOrThrow("app", "HEAD", sharing)).toEqual({ repo: "app", baseCommit: commit, tag: "repo:app" });
    expect(await resolveRunRepoOrThrow(repo, "main", sharing)).toEqual({ repo, baseCommit: commit, tag: null });
    expect(runRepoTag("app")).toBe("repo:app");
    expect(runRepoTag(repo)).toBeNull();
  });

  it("an unknown name is a field error on repo listing the known names; the clone's own checks still apply", async () => {
    const sharing = gitSharingFromEnvOrThrow({ BATON_REPO_MAP: `app=${repo},web=${path.join(dir, "web")}` });
    const error = await resolveRunRepoOrThrow("lib", "HEAD", sharing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({ field: "repo", message: 'repo: "lib" is neither an absolute path nor a repository name in BATON_REPO_MAP (known: app, web)' });
    await expect(resolveRunRepoOrThrow("web", "HEAD", sharing)).rejects.toMatchObject({ code: "repo_not_found", field: "repo" });
    await expect(resolveRunRepoOrThrow("app", "nope", sharing)).rejects.toMatchObject({ code: "ref_not_found", field: "baseRef" });
  });
});

describe("checkClonesOrThrow (worker start)", () => {
  it("accepts clones with their remote; refuses a missing clone or a remote the clone lacks, naming the entry", async () => {
    await git(repo, "remote", "add", "origin", path.join(dir, "origin.git"));
    await checkClonesOrThrow(gitSharingFromEnvOrThrow({ BATON_REPO_MAP: `app=${repo}`, BATON_LINEAGE_REMOTE: "origin" }));
    await expect(checkClonesOrThrow(gitSharingFromEnvOrThrow({ BATON_REPO_MAP: `app=${repo}`, BATON_LINEAGE_REMOTE: "lineage" }))).rejects.toThrow(
      `BATON_REPO_MAP: entry "app": ${repo} has no remote "lineage" (git remote add lineage <url>)`,
    );
    const gone = path.join(dir, "gone");
    await expect(checkClonesOrThrow(gitSharingFromEnvOrThrow({ BATON_REPO_MAP: `app=${gone}` }))).rejects.toThrow(
      `BATON_REPO_MAP: entry "app": ${gone} does not exist`,
    );
    // A path remote is checked by its first use, not here.
    await checkClonesOrThrow(gitSharingFromEnvOrThrow({ BATON_REPO_MAP: `app=${repo}`, BATON_LINEAGE_REMOTE: path.join(dir, "x.git") }));
  });
});
