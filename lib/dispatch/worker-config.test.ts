import { describe, expect, it } from "vitest";
import { workerConfigFromEnvOrThrow } from "./worker-config";

describe("workerConfigFromEnvOrThrow", () => {
  it("has defaults and parses tags and numbers", () => {
    expect(workerConfigFromEnvOrThrow({})).toMatchObject({ tags: [], concurrency: 4, listen: true, leaseMs: 30_000 });
    const config = workerConfigFromEnvOrThrow({
      BATON_WORKER_TAGS: " profile:claude, repo:/src/app ,,",
      BATON_WORKER_CONCURRENCY: "8",
      BATON_WORKER_LISTEN: "0",
    });
    expect(config).toMatchObject({ tags: ["profile:claude", "repo:/src/app"], concurrency: 8, listen: false });
  });

  it("names the variable and the reason for a bad value", () => {
    expect(() => workerConfigFromEnvOrThrow({ BATON_WORKER_CONCURRENCY: "0" })).toThrow(/BATON_WORKER_CONCURRENCY/);
    expect(() => workerConfigFromEnvOrThrow({ BATON_WORKER_CONCURRENCY: "many" })).toThrow(/BATON_WORKER_CONCURRENCY/);
    expect(() => workerConfigFromEnvOrThrow({ BATON_WORKER_LEASE_MS: "1000", BATON_WORKER_HEARTBEAT_MS: "2000" })).toThrow(
      /BATON_WORKER_HEARTBEAT_MS: must be shorter/,
    );
  });

  it("reads the repository map: each named repository becomes a repo:<name> tag; a bad entry is named", () => {
    const config = workerConfigFromEnvOrThrow({ BATON_WORKER_TAGS: "profile:demo", BATON_REPO_MAP: "app=/w/app,/srv/lib=/w/lib", BATON_LINEAGE_REMOTE: "origin" });
    expect(config.tags).toEqual(["profile:demo", "repo:app"]);
    expect(config.git?.remote).toBe("origin");
    expect(config.git?.repos.get("app")).toEqual({ path: "/w/app", remote: null });
    expect(() => workerConfigFromEnvOrThrow({ BATON_REPO_MAP: "app=w/app" })).toThrow('BATON_REPO_MAP: entry "app": path must be absolute, got "w/app"');
  });
});
