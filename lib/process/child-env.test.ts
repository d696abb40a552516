import { describe, expect, it } from "vitest";
import { childEnv } from "./child-env";

describe("childEnv", () => {
  const parent = {
    PATH: "/usr/bin",
    HOME: "/home/me",
    LANG: "C.UTF-8",
    LC_ALL: "C",
    TERM: "xterm",
    HTTPS_PROXY: "http://proxy:3128",
    BATON_TOKEN: "t",
    DATABASE_URL: "postgres://x",
    ANTHROPIC_API_KEY: "sk-…",
    IS_SANDBOX: "yes",
    NODE_OPTIONS: "--require evil.js",
    NODE_ENV: "production",
    npm_config_cache: "/tmp/npm",
    UNSET: undefined,
  };

  it("keeps only the allow-listed names and the locale prefixes", () => {
    expect(childEnv({}, parent)).toEqual({ PATH: "/usr/bin", HOME: "/home/me", LANG: "C.UTF-8", LC_ALL: "C", TERM: "xterm", HTTPS_PROXY: "http://proxy:3128" });
  });

  it("applies the profile's own env last, so a profile may set HOME or a key", () => {
    expect(childEnv({ HOME: "/profiles/claude", ANTHROPIC_API_KEY: "resolved" }, parent)).toMatchObject({
      PATH: "/usr/bin",
      HOME: "/profiles/claude",
      ANTHROPIC_API_KEY: "resolved",
    });
  });
});
