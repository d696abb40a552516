import { describe, expect, it } from "vitest";
import { gitSharingFromEnvOrThrow, localRepoOrThrow, parseRepoMapOrThrow, remoteProblem, repoTags } from "./repo-map";

describe("parseRepoMapOrThrow", () => {
  it("reads name=path pairs and JSON (plain paths or {path, remote})", () => {
    expect([...parseRepoMapOrThrow(" app=/srv/app ,\nlib = /srv/lib/ ")]).toEqual([
      ["app", { path: "/srv/app", remote: null }],
      ["lib", { path: "/srv/lib/", remote: null }],
    ]);
    const json = parseRepoMapOrThrow(JSON.stringify({ app: "/srv/app", "/home/ci/app": { path: "/w/app", remote: "git@host:team/app.git" } }));
    expect(json.get("app")).toEqual({ path: "/srv/app", remote: null });
    expect(json.get("/home/ci/app")).toEqual({ path: "/w/app", remote: "git@host:team/app.git" });
    expect(parseRepoMapOrThrow(undefined).size).toBe(0);
    expect(parseRepoMapOrThrow("  ").size).toBe(0);
  });

  it("names the entry and the reason for a bad one", () => {
    expect(() => parseRepoMapOrThrow("app=srv/app")).toThrow('BATON_REPO_MAP: entry "app": path must be absolute, got "srv/app"');
    expect(() => parseRepoMapOrThrow("app=/a,/srv/app")).toThrow('BATON_REPO_MAP: entry "/srv/app": must be name=path');
    expect(() => parseRepoMapOrThrow("my/app=/a")).toThrow(/entry "my\/app": the key must be a name/);
    expect(() => parseRepoMapOrThrow("app=/a,app=/b")).toThrow('entry "app": is listed twice');
    expect(() => parseRepoMapOrThrow('{"app": {"path": "/a", "remote": "-uexploit"}}')).toThrow(/entry "app": remote: remote must not start with "-"/);
    expect(() => parseRepoMapOrThrow('{"app": {"path": "/a", "extra": 1}}')).toThrow(/entry "app"/);
    expect(() => parseRepoMapOrThrow('{"app": 7}')).toThrow(/entry "app"/);
    expect(() => parseRepoMapOrThrow("{nope")).toThrow(/BATON_REPO_MAP: not valid JSON/);
    expect(() => parseRepoMapOrThrow('["/a"]')).toThrow(/must be a JSON object/);
  });
});

describe("remoteProblem", () => {
  it("accepts remote names, absolute paths and the usual URLs; refuses options and junk", () => {
    for (const ok of ["origin", "/srv/lineage.git", "ssh://git@host/x.git", "https://host/x.git", "file:///srv/x.git", "git@host:team/x.git"]) {
      expect(remoteProblem(ok), ok).toBeNull();
    }
    for (const bad of ["", "-oProxyCommand=x", "two words", "ext::sh -c x", "relative/path.git", "a\u0000b"]) {
      expect(remoteProblem(bad), bad).not.toBeNull();
    }
  });
});

describe("gitSharingFromEnvOrThrow and localRepoOrThrow", () => {
  it("maps names and paths to this worker's clones; unmapped paths are used as they are", () => {
    const sharing = gitSharingFromEnvOrThrow({
      BATON_REPO_MAP: '{"app": "/w/app", "/srv/repos/lib": {"path": "/w/lib", "remote": "/srv/other.git"}}',
      BATON_LINEAGE_REMOTE: "origin",
      BATON_GIT_REMOTE_TIMEOUT_MS: "5000",
    });
    expect(sharing).toMatchObject({ remote: "origin", timeoutMs: 5000, attempts: 3 });
    expect(localRepoOrThrow(sharing, "app")).toEqual({ path: "/w/app", remote: "origin" });
    expect(localRepoOrThrow(sharing, "/srv/repos/lib")).toEqual({ path: "/w/lib", remote: "/srv/other.git" });
    expect(localRepoOrThrow(sharing, "/srv/repos/other")).toEqual({ path: "/srv/repos/other", remote: "origin" });
    expect(() => localRepoOrThrow(sharing, "web")).toThrow('this worker has no clone of repository "web": add it to BATON_REPO_MAP');
    expect(repoTags(sharing)).toEqual(["repo:app"]);
  });

  it("no settings: no sharing, nothing mapped", () => {
    const sharing = gitSharingFromEnvOrThrow({});
    expect(sharing).toMatchObject({ remote: null, timeoutMs: 60_000, attempts: 3 });
    expect(localRepoOrThrow(sharing, "/srv/app")).toEqual({ path: "/srv/app", remote: null });
  });

  it("names the variable of a bad setting", () => {
    expect(() => gitSharingFromEnvOrThrow({ BATON_LINEAGE_REMOTE: "--upload-pack=x" })).toThrow(/^BATON_LINEAGE_REMOTE: must not start with "-"/);
    expect(() => gitSharingFromEnvOrThrow({ BATON_GIT_REMOTE_TIMEOUT_MS: "soon" })).toThrow(/^BATON_GIT_REMOTE_TIMEOUT_MS: /);
    expect(() => gitSharingFromEnvOrThrow({ BATON_GIT_REMOTE_ATTEMPTS: "0" })).toThrow(/^BATON_GIT_REMOTE_ATTEMPTS: /);
  });
});
