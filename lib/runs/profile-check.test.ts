// A run checks every profile it needs when it starts, on the real engine and both drivers:
// the whole list is refused with a 409 naming each profile and its steps, and nothing is written.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../db/client";
import { openHarness, type Driver, type Harness } from "../engine/testing/harness";
import { plan } from "../engine/plan";
import { HttpError } from "../http/errors";
import { insertProfile } from "../profiles/repository";
import { missingKeyVariables, profilesNeeded } from "./profile-check";
import { rerunRunOrThrow, startRunOrThrow } from "./service";

const node = (id: string, config: Record<string, unknown>, kind = "agent") => ({ id, kind, position: { x: 0, y: 0 }, config });

describe.each<Driver>(["pglite", "postgres"])("run start profile check on %s", (driver) => {
  let h: Harness;
  let bin: string;
  beforeAll(async () => {
    h = await openHarness(driver);
    bin = fs.mkdtempSync(path.join(os.tmpdir(), "baton-profile-check-"));
    fs.writeFileSync(path.join(bin, "present-agent"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    await insertProfile(h.db.orm, { id: "absent", backend: "acp", label: "absent", enabled: true, config: { command: ["baton-no-such-agent-xyz", "--acp"] } });
    await insertProfile(h.db.orm, { id: "off", backend: "demo", label: "off", enabled: false, config: {} });
    await insertProfile(h.db.orm, {
      id: "keyless",
      backend: "acp",
      label: "keyless",
      enabled: true,
      config: { command: [path.join(bin, "present-agent")], env: { OPENAI_API_KEY: "$BATON_TEST_UNSET_KEY_8731" } },
    });
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(bin, { recursive: true, force: true });
  });

  const runCount = async () => (await rows<{ n: number }>(h.db.orm, sql`select count(*)::int as n from runs`))[0].n;

  it("refuses a run whose profiles are missing, disabled, not installed or without their key — all named, nothing started", async () => {
    const flowId = await h.createFlow({
      name: "needs many",
      inputs: [],
      nodes: [
        node("first", { profile: "demo", prompt: "ok" }),
        node("code", { profile: "absent", prompt: "x" }),
        node("arena", { prompt: "x", contestants: [{ profile: "demo" }, { profile: "off" }], select: { mode: "judge", profile: "keyless" } }, "arena"),
      ],
      edges: [{ from: "first", to: "code" }, { from: "code", to: "arena" }],
    });
    const before = await runCount();
    const error = await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    const refusal = error as HttpError;
    expect(refusal.status).toBe(409);
    expect(refusal.message).toMatch(/^the run needs 3 profiles that are not ready; nothing was started/);
    expect(refusal.issues).toEqual([
      { path: "profiles.absent", nodeId: "code", message: 'profile "absent" (used by code): baton-no-such-agent-xyz not found on PATH' },
      { path: "profiles.off", nodeId: "arena", message: 'profile "off" (used by arena#1): the profile is disabled' },
      {
        path: "profiles.keyless",
        nodeId: "arena",
        message: `profile "keyless" (used by arena (judge)): key not set: $BATON_TEST_UNSET_KEY_8731 (set it in Baton's environment)`,
      },
    ]);
    expect(await runCount()).toBe(before);
  });

  it("starts the run once every profile is ready, and checks again on a whole re-run", async () => {
    const flowId = await h.createFlow({ name: "demo only", inputs: [], nodes: [node("a", { profile: "demo", prompt: "ok" })], edges: [] });
    const run = await h.drain((await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" })).id);
    expect(run.status).toBe("succeeded");
    await h.db.orm.execute(sql`update agent_profiles set enabled = false where id = 'demo'`);
    try {
      const error = await rerunRunOrThrow(h.db, run.id).then(() => null, (e: unknown) => e);
      expect((error as HttpError).status).toBe(409);
      expect((error as HttpError).issues.map((i) => i.message)).toEqual(['profile "demo" (used by a): the profile is disabled']);
    } finally {
      await h.db.orm.execute(sql`update agent_profiles set enabled = true where id = 'demo'`);
    }
  });
});

describe("profilesNeeded / missingKeyVariables", () => {
  it("lists each profile once with every step that runs it, judges included", () => {
    const planned = plan(
      {
        name: "x",
        inputs: [],
        nodes: [
          node("a", { profile: "p", prompt: "x" }),
          node("b", { prompt: "x", contestants: [{ profile: "p" }, { profile: "q" }], select: { mode: "judge", profile: "q" } }, "arena"),
          node("c", { mode: "agent", profile: "r", prompt: "x" }, "fold"),
        ],
        edges: [{ from: "a", to: "b" }, { from: "b", to: "c" }],
      } as never,
      {},
    );
    expect(profilesNeeded(planned)).toEqual([
      { profile: "p", steps: ["a", "b#0"], nodeIds: ["a", "b"] },
      { profile: "q", steps: ["b#1", "b (judge)"], nodeIds: ["b"] },
      { profile: "r", steps: ["c"], nodeIds: ["c"] },
    ]);
  });

  it("finds unset $VAR references in env and apiKey, not literals", () => {
    expect(missingKeyVariables({ env: { A: "$SET", B: "$UNSET", C: "literal" }, apiKey: "${ALSO_UNSET}" }, { SET: "1" })).toEqual(["UNSET", "ALSO_UNSET"]);
    expect(missingKeyVariables({ apiKey: "sk-literal" }, {})).toEqual([]);
  });
});
