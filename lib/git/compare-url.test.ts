import { describe, expect, it } from "vitest";
import { compareUrl, redactRemoteUrl } from "./compare-url";

describe("compareUrl", () => {
  it("GitHub-shaped remotes (https, ssh, scp-like, Enterprise) give the compare page", () => {
    const expected = "https://github.com/acme/app/compare/main...baton%2Frun_1?expand=1";
    expect(compareUrl("https://github.com/acme/app.git", "main", "baton/run_1")).toBe(expected);
    expect(compareUrl("https://token:x@github.com/acme/app", "main", "baton/run_1")).toBe(expected);
    expect(compareUrl("git@github.com:acme/app.git", "main", "baton/run_1")).toBe(expected);
    expect(compareUrl("ssh://git@github.com/acme/app.git", "main", "baton/run_1")).toBe(expected);
    expect(compareUrl("git@github.example.com:team/svc.git", "dev", "x")).toBe("https://github.example.com/team/svc/compare/dev...x?expand=1");
  });

  it("GitLab-shaped remotes (nested groups) give the new merge request page", () => {
    expect(compareUrl("git@gitlab.com:group/sub/app.git", "main", "feature")).toBe(
      "https://gitlab.com/group/sub/app/-/merge_requests/new?merge_request%5Bsource_branch%5D=feature&merge_request%5Btarget_branch%5D=main",
    );
    expect(compareUrl("https://gitlab.example.org/g/app", "main", "f")).toContain("https://gitlab.example.org/g/app/-/merge_requests/new?");
  });

  it("anything else has no compare URL", () => {
    for (const url of ["/srv/git/app.git", "file:///srv/git/app.git", "https://example.com/acme/app.git", "git@github.com:onlyowner", "C:\\repos\\app"]) {
      expect(compareUrl(url, "main", "b"), url).toBeNull();
    }
  });

  it("never echoes credentials", () => {
    expect(redactRemoteUrl("https://user:secret@github.com/a/b.git")).toBe("https://github.com/a/b.git");
    expect(redactRemoteUrl("git@github.com:a/b.git")).toBe("git@github.com:a/b.git");
  });
});
