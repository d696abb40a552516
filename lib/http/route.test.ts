import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GitError } from "../git/errors";
import { resolveRepoOrThrow } from "../git/resolve-repo";
import { route } from "./route";

const call = (handler: () => Promise<Response>) => route(handler)(new Request("http://127.0.0.1/api/x", { method: "POST" }), { params: Promise.resolve({}) });

describe("route errors", () => {
  it("a repo the request named that is not a git work tree is a 400 naming `repo`, on every route", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "baton-route-"));
    try {
      const response = await call(async () => {
        await resolveRepoOrThrow(dir);
        return new Response("unreachable");
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { code: string; error: string; issues: Array<{ path: string; message: string }> };
      expect(body.code).toBe("validation_failed");
      expect(body.error).toMatch(/^invalid body: repo: .*not a git repository/);
      expect(body.issues.map((i) => i.path)).toEqual(["repo"]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("a git failure not caused by the request stays a 500 with a request id only", async () => {
    const response = await call(async () => {
      throw new GitError("git_failed", "git broke in /secret/path");
    });
    expect(response.status).toBe(500);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.code).toBe("internal");
    expect(JSON.stringify(body)).not.toContain("/secret/path");
  });
});
