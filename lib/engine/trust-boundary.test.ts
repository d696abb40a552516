/**
 * The profile is the trust boundary (issue 12, items 1 and 2), through the real engine and
 * dispatcher worker: a flow's node options can't replace a profile's program, environment,
 * endpoint or key — refused when the flow is saved and again when a step starts (a flow
 * stored before the rule) — and no child process (check, arena check, command agent, ACP
 * agent) sees Baton's credentials or another profile's key.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows } from "../db/client";
import type { FlowDocument } from "../flow/document";
import { insertNewFlow } from "../flows/service";
import { HttpError, type Issue } from "../http/errors";
import { insertProfile } from "../profiles/repository";
import { startRunOrThrow } from "../runs/service";
import { startFakeOpenai, deltaChunk, type FakeOpenai } from "../agents/testing/fake-openai-server";
import { fakeAgentCommand } from "../agents/testing/fake-acp";
import { openHarness, type Harness } from "./testing/harness";

const NODE = process.execPath;
/** Names Baton's process holds that no child may see (set for the duration of the suite). */
const WITHHELD = {
  BATON_TOKEN: "baton-token-9c1d2e3f4a5b6c7d",
  DATABASE_URL: "postgres://baton:db-password-77a1@db.internal:5432/baton",
  OTHER_PROFILE_KEY: "sk-other-profile-0f1e2d3c4b5a6978",
  IS_SANDBOX: "yes",
  OWN_PROFILE_SECRET: "own-profile-secret-55aa66bb",
};
const saved: Record<string, string | undefined> = {};

let h: Harness;
let scratch: string;
let attacker: FakeOpenai;
let endpoint: FakeOpenai;

const dumpEnv = `process.stdout.write(JSON.stringify(process.env))`;

beforeAll(async () => {
  for (const [name, value] of Object.entries(WITHHELD)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  h = await openHarness("pglite");
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "baton-trust-"));
  attacker = await startFakeOpenai({ chat: { kind: "stream", events: [deltaChunk("attacker", "stop")] } });
  endpoint = await startFakeOpenai({ chat: { kind: "stream", events: [deltaChunk("answer from the profile's endpoint", "stop")] } });
  const profiles = [
    { id: "cmd-echo", backend: "command", config: { command: [NODE, "-e", "process.stdout.write('profile program')"] } },
    { id: "cmd-env", backend: "command", config: { command: [NODE, "-e", dumpEnv], env: { OWN_KEY: "$OWN_PROFILE_SECRET", OWN_PLAIN: "plain" } } },
    { id: "other", backend: "command", config: { command: [NODE, "-e", ""], env: { API_KEY: "$OTHER_PROFILE_KEY" } } },
    { id: "chat", backend: "openai", config: { baseURL: endpoint.baseURL, model: "m" } },
    {
      id: "acp-env",
      backend: "acp",
      config: {
        command: fakeAgentCommand({
          steps: ["OWN_KEY", "BATON_TOKEN", "DATABASE_URL", "BATON_TEST_DATABASE_URL", "OTHER_PROFILE_KEY", "IS_SANDBOX", "PATH"].map((name) => ({
            op: "env" as const,
            name,
          })),
        }),
        env: { OWN_KEY: "plain-own-value" },
      },
    },
  ];
  for (const p of profiles) await insertProfile(h.db.orm, { ...p, label: p.id, enabled: true });
});

afterAll(async () => {
  await h?.close();
  await attacker?.close();
  await endpoint?.close();
  fs.rmSync(scratch, { recursive: true, force: true });
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

afterEach(() => {
  attacker.requests.length = 0;
});

function flowOf(nodes: unknown[], edges: unknown[] = []) {
  return { name: "trust", inputs: [], nodes, edges };
}

const agentNode = (id: string, profile: string, options?: Record<string, unknown>) => ({
  id,
  kind: "agent",
  config: { profile, prompt: "work", workspace: "none", ...(options ? { options } : {}) },
});

async function saveIssues(document: unknown): Promise<Issue[]> {
  const error = await h.createFlow(document).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  expect((error as HttpError).status).toBe(400);
  return (error as HttpError).issues;
}

/** A flow stored as it was before node options were checked: straight into flow_versions. */
async function legacyFlow(document: unknown): Promise<string> {
  return h.db.orm.transaction((tx) => insertNewFlow(tx, document as FlowDocument, "stored before the rule"));
}

const overrides: Array<[string, unknown, string]> = [
  ["command", agentNode("a", "cmd-echo", { command: ["/bin/sh", "-c", "touch pwned"] }), "nodes[0].config.options.command"],
  ["env", agentNode("a", "cmd-echo", { env: { LEAK: "$DATABASE_URL" } }), "nodes[0].config.options.env"],
  ["baseURL", agentNode("a", "chat", { baseURL: "http://127.0.0.1:1/v1" }), "nodes[0].config.options.baseURL"],
  ["apiKey", agentNode("a", "chat", { apiKey: "$DATABASE_URL" }), "nodes[0].config.options.apiKey"],
];

describe("node options can't override the profile", () => {
  it.each(overrides)("refuses options.%s when the flow is saved, naming the key", async (_key, node, issuePath) => {
    const issues = await saveIssues(flowOf([node]));
    expect(issues.map((i) => i.path)).toContain(issuePath);
    expect(issues.find((i) => i.path === issuePath)?.message).toMatch(/agent profile only/);
  });

  it("checks arena contestants and fold agents too, and allows each backend's own options", async () => {
    const issues = await saveIssues(
      flowOf(
        [
          {
            id: "arena",
            kind: "arena",
            config: { prompt: "p", contestants: [{ profile: "demo", options: { failTimes: 1 } }, { profile: "cmd-echo", options: { command: ["sh"] } }], select: { mode: "first" } },
          },
          { id: "fold", kind: "fold", config: { mode: "agent", profile: "chat", prompt: "sum", options: { temperature: 0.2, env: { A: "$HOME" } } } },
        ],
        [{ from: "arena", to: "fold" }],
      ),
    );
    expect(issues.map((i) => i.path).sort()).toEqual(["nodes[0].config.contestants[1].options.command", "nodes[1].config.options.env"]);
    // A demo knob is not an acp option, and values are checked too.
    const more = await saveIssues(flowOf([agentNode("a", "demo", { mode: "yolo" }), agentNode("b", "chat", { temperature: 9 })]));
    expect(more.map((i) => i.path)).toEqual(["nodes[0].config.options.mode", "nodes[1].config.options.temperature"]);
    await expect(h.createFlow(flowOf([agentNode("a", "demo", { failTimes: 1, delayMs: 5 }), agentNode("b", "chat", { temperature: 0.5 })]))).resolves.toBeTruthy();
  });

  it("refuses a stored command override when the step starts: the node's program never runs", async () => {
    const flowId = await legacyFlow(flowOf([agentNode("a", "cmd-echo", { command: [NODE, "-e", `require("fs").writeFileSync(${JSON.stringify(path.join(scratch, "pwned"))}, "x")`] })]));
    const run = await h.drain((await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" })).id);
    expect(run.status).toBe("failed");
    const step = run.steps[0];
    expect(step.state).toBe("failed");
    expect(step.error).toMatch(/node options refused for profile "cmd-echo": options\.command: .*agent profile only/);
    expect(step.detail).toMatchObject({ retryable: false });
    expect(fs.existsSync(path.join(scratch, "pwned"))).toBe(false);
  });

  it("refuses a stored env override when the step starts", async () => {
    const flowId = await legacyFlow(flowOf([agentNode("a", "cmd-env", { env: { LEAK: "$DATABASE_URL" } })]));
    const run = await h.drain((await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" })).id);
    expect(run.steps[0].error).toMatch(/options\.env: /);
    expect(run.steps[0].output ?? "").not.toContain(WITHHELD.DATABASE_URL);
  });

  it("refuses a stored baseURL + apiKey override when the step starts: no request reaches the other server", async () => {
    const flowId = await legacyFlow(flowOf([agentNode("a", "chat", { baseURL: attacker.baseURL, apiKey: "$DATABASE_URL" })]));
    const run = await h.drain((await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" })).id);
    expect(run.steps[0].error).toMatch(/options\.baseURL: /);
    expect(run.steps[0].error).toMatch(/options\.apiKey: /);
    expect(attacker.requests).toEqual([]);
  });

  it("a re-run with another profile is checked against that profile's backend", async () => {
    const flowId = await h.createFlow(flowOf([agentNode("a", "demo", { failTimes: 0 })]));
    const runId = (await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" })).id;
    expect((await h.drain(runId)).status).toBe("succeeded");
    const { rerunStepOrThrow } = await import("../runs/service");
    await rerunStepOrThrow(h.db, runId, "a", { profile: "cmd-echo" });
    const rerun = await h.drain(runId);
    expect(rerun.steps[0].error).toMatch(/a node with a profile of backend "command" may not set "failTimes"/);
  });
});

describe("child processes get an allow-listed environment", () => {
  const leaked = (text: string) =>
    [WITHHELD.BATON_TOKEN, WITHHELD.DATABASE_URL, WITHHELD.OTHER_PROFILE_KEY, process.env.BATON_TEST_DATABASE_URL ?? "unset"].filter((secret) =>
      text.includes(secret),
    );

  it("a check step printing its environment shows no token, database URL or profile key", async () => {
    const flowId = await h.createFlow(flowOf([{ id: "env", kind: "check", config: { command: [NODE, "-e", dumpEnv] } }]));
    const run = await h.drain((await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" })).id);
    expect(run.status).toBe("succeeded");
    const output = run.steps[0].output ?? "";
    const env = JSON.parse(output) as Record<string, string>;
    expect(leaked(output)).toEqual([]);
    expect(Object.keys(env).filter((name) => /^(BATON_|DATABASE_URL|IS_SANDBOX|OTHER_PROFILE_KEY|NODE_OPTIONS|npm_)/.test(name))).toEqual([]);
    expect(env.PATH).toBe(process.env.PATH);
    const events = await rows<{ data: { text?: string } }>(h.db.orm, sql`select data from step_events where run_id = ${run.id}`);
    expect(leaked(JSON.stringify(events))).toEqual([]);
  });

  it("an arena's check command sees none of them either", async () => {
    const guard = `process.exit(["BATON_TOKEN", "DATABASE_URL", "OTHER_PROFILE_KEY", "IS_SANDBOX"].some((n) => process.env[n]) ? 1 : 0)`;
    const flowId = await h.createFlow(
      flowOf([
        {
          id: "arena",
          kind: "arena",
          config: { prompt: "p", workspace: "none", contestants: [{ profile: "demo" }, { profile: "demo" }], select: { mode: "check", command: [NODE, "-e", guard] } },
        },
      ]),
    );
    const run = await h.drain((await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" })).id);
    expect(run.steps.find((s) => s.role === "select")?.state).toBe("succeeded");
  });

  it("a command agent sees its own profile's env and nothing of Baton's or another profile's", async () => {
    const flowId = await h.createFlow(flowOf([agentNode("a", "cmd-env")]));
    const run = await h.drain((await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" })).id);
    expect(run.status).toBe("succeeded");
    const output = run.steps[0].output ?? "";
    const env = JSON.parse(output) as Record<string, string>;
    expect(leaked(output)).toEqual([]);
    expect(env).not.toHaveProperty("IS_SANDBOX");
    // Its own secret arrives (and is redacted from what Baton stores); its plain value as is.
    expect(env.OWN_KEY).toBe("[redacted]");
    expect(env.OWN_PLAIN).toBe("plain");
  });

  it("an ACP agent subprocess sees its own profile's env and nothing of Baton's or another profile's", async () => {
    const flowId = await h.createFlow(flowOf([agentNode("a", "acp-env")]));
    const run = await h.drain((await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" })).id);
    expect(run.status).toBe("succeeded");
    const output = run.steps[0].output ?? "";
    expect(output).toContain("[env OWN_KEY: ok plain-own-value]");
    for (const name of ["BATON_TOKEN", "DATABASE_URL", "BATON_TEST_DATABASE_URL", "OTHER_PROFILE_KEY", "IS_SANDBOX"]) {
      expect(output).toContain(`[env ${name}: ok (unset)]`);
    }
    expect(output).toContain(`[env PATH: ok ${process.env.PATH}]`);
  });
});
