/**
 * The real codex-acp adapter from npm (installed on first use, never skipped) through Baton's
 * ACP backend, against a scripted OpenAI Responses server on 127.0.0.1. codex-acp refuses
 * `session/new` until `authenticate` is called with one of its env-var methods: Baton calls
 * it with the method whose variable the profile's env sets (the key stays a `$REF`).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentEnvOf, prepareAgentHomeOrThrow } from "../../profiles/home";
import { recordedTask } from "../testing/task";
import { startModelServer, type ModelServer } from "../testing/model-server";
import { processesIn } from "../testing/processes";
import { realAgentCommand } from "../testing/real-agents";
import { acpBackend } from "./backend";

let server: ModelServer;
let command: string[];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-codex-"));

beforeAll(async () => {
  [server, command] = await Promise.all([startModelServer([{ text: "Hello from codex", usage: { input: 90, output: 7 } }]), realAgentCommand("codex")]);
  process.env.BATON_TEST_CODEX_KEY = "sk-baton-test-codex-0123456789";
}, 15 * 60_000);
afterAll(async () => {
  delete process.env.BATON_TEST_CODEX_KEY;
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function codexConfig(env: Record<string, string>): Record<string, unknown> {
  return {
    command,
    mode: "auto",
    env,
    homeFiles: {
      ".codex/config.toml": [
        'model = "scripted"',
        'model_provider = "baton"',
        "",
        "[model_providers.baton]",
        'name = "scripted"',
        `base_url = "${server.origin}/v1"`,
        'env_key = "OPENAI_API_KEY"',
        'wire_api = "responses"',
        "",
      ].join("\n"),
    },
  };
}

async function runCodex(env: Record<string, string>) {
  const config = codexConfig(env);
  const agentEnv = agentEnvOf({ id: `codex-${Object.keys(env).length}`, config }, dataDir);
  await prepareAgentHomeOrThrow(agentEnv, config.homeFiles);
  const cwd = fs.mkdtempSync(path.join(dataDir, "wt-"));
  const r = recordedTask({ cwd, prompt: "say hello", env: agentEnv.env, options: config });
  const result = await acpBackend.run(r.task).catch((error: unknown) => error);
  return { r, result, cwd };
}

describe("codex-acp over ACP", () => {
  it("authenticates with the env-var method the profile's key reference satisfies, then works", async () => {
    const { r, result, cwd } = await runCodex({ OPENAI_API_KEY: "$BATON_TEST_CODEX_KEY" });
    expect(result).toMatchObject({ stopReason: "end_turn" });
    expect((result as { output: string }).output).toContain("Hello from codex");
    expect(r.logs("info")).toContain("authenticated with openai-api-key (OPENAI_API_KEY set)");
    const responses = server.requests.filter((q) => q.format === "responses");
    expect(responses.length).toBeGreaterThan(0);
    expect(processesIn(cwd)).toEqual([]);
  });

  it("its own provider needs authenticate before session/new: a key reference passes, no key is 'not authenticated'", async () => {
    // No custom provider: codex-acp answers session/new "Authentication required" until
    // authenticate (nothing here reaches a model: the check stops at the new session).
    const plain = { command, env: { OPENAI_API_KEY: "$BATON_TEST_CODEX_KEY" } };
    const home = agentEnvOf({ id: "codex-plain", config: plain }, dataDir);
    await prepareAgentHomeOrThrow(home, undefined);
    const ok = await acpBackend.availability(plain, { level: "authenticated", env: home.env });
    expect(ok).toMatchObject({ available: true, checked: "authenticated", reason: expect.stringContaining("authenticated with openai-api-key") });

    const keyless = { command };
    const bare = agentEnvOf({ id: "codex-keyless", config: keyless }, dataDir);
    await prepareAgentHomeOrThrow(bare, undefined);
    const refused = await acpBackend.availability(keyless, { level: "authenticated", env: { ...bare.env, OPENAI_API_KEY: "", CODEX_API_KEY: "" } });
    expect(refused).toMatchObject({ available: false, checked: "authenticated", reason: expect.stringContaining("Authentication required") });
    // "started" only proves it runs.
    expect((await acpBackend.availability(keyless, { level: "started", env: bare.env })).available).toBe(true);
  });
});
