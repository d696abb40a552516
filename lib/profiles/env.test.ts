import { describe, expect, test } from "vitest";
import { envReferenceName, profileSecretValues, redactSecrets, resolveProfileEnv, resolveProfileEnvDetailed } from "./env";

describe("env references", () => {
  test("recognises $NAME and ${NAME} only", () => {
    expect(envReferenceName("$OPENAI_API_KEY")).toBe("OPENAI_API_KEY");
    expect(envReferenceName("${HF_TOKEN}")).toBe("HF_TOKEN");
    expect(envReferenceName("sk-abc")).toBeNull();
    expect(envReferenceName("$1abc")).toBeNull();
    expect(envReferenceName("prefix$HOME")).toBeNull();
  });

  test("resolveProfileEnv resolves refs, keeps literals, drops and reports unset refs", () => {
    const config = { env: { ANTHROPIC_API_KEY: "$MY_KEY", LOG_LEVEL: "debug", MISSING: "$NOPE" } };
    expect(resolveProfileEnv(config, { MY_KEY: "secret-value-1" })).toEqual({ ANTHROPIC_API_KEY: "secret-value-1", LOG_LEVEL: "debug" });
    expect(resolveProfileEnvDetailed(config, {}).missing).toEqual(["MY_KEY", "NOPE"]);
    expect(resolveProfileEnv({}, { A: "b" })).toEqual({});
  });
});

describe("redactSecrets", () => {
  test("replaces every occurrence of each secret, longest first", () => {
    const env = { A: "abcdef123456", B: "abcdef123456-extended" };
    expect(redactSecrets("key=abcdef123456-extended and abcdef123456 twice abcdef123456", env)).toBe(
      "key=[redacted] and [redacted] twice [redacted]",
    );
  });

  test("short values are not treated as secrets", () => {
    expect(redactSecrets("debug mode 1", { LOG: "debug", N: "1" })).toBe("debug mode 1");
  });

  test("profileSecretValues lists only values that came from references", () => {
    const config = { apiKey: "$OPENAI_API_KEY", env: { TOKEN: "${GH}", LEVEL: "verbose-level" } };
    const values = profileSecretValues(config, { OPENAI_API_KEY: "sk-live-123456", GH: "ghp_abcdef" });
    expect(values.sort()).toEqual(["ghp_abcdef", "sk-live-123456"]);
    expect(redactSecrets("Bearer sk-live-123456 / ghp_abcdef / verbose-level", values)).toBe("Bearer [redacted] / [redacted] / verbose-level");
  });
});
