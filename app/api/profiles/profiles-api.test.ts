// Drives the real profile route handlers with real Requests over the embedded database.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fakeAgentCommand } from "@/lib/agents/testing/fake-acp";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-profiles-api-"));
process.env.BATON_DATA_DIR = dataDir;
delete process.env.DATABASE_URL;

const listRoute = await import("./route");
const itemRoute = await import("./[id]/route");
const availabilityRoute = await import("./[id]/availability/route");

const ctx = <P>(params: P) => ({ params: Promise.resolve(params) });
const noParams = ctx({} as Record<string, never>);
const request = (method: string, url = "http://127.0.0.1/api/profiles", body?: unknown) =>
  new Request(url, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { "content-type": "application/json" } });

interface ProfileBody {
  id: string;
  backend: string;
  config: Record<string, unknown>;
  enabled: boolean;
  builtIn: boolean;
  availability: { available: boolean; reason: string } | null;
}

afterAll(async () => {
  const { appDb } = await import("@/lib/app-db");
  await (await appDb()).close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("profiles API", () => {
  it("lists the seeded defaults with backends and no availability until checked", async () => {
    const response = await listRoute.GET(request("GET"), noParams);
    expect(response.status).toBe(200);
    const { profiles } = (await response.json()) as { profiles: ProfileBody[] };
    expect(profiles.map((p) => p.id)).toEqual(["claude", "codex", "demo", "gemini", "ollama", "opencode", "qwen"]);
    expect(profiles.find((p) => p.id === "gemini")).toMatchObject({ backend: "acp", config: { command: ["gemini", "--acp"], clientFs: false }, availability: null });
    expect(profiles.find((p) => p.id === "demo")?.builtIn).toBe(true);
  });

  it("creates, checks availability, updates and deletes a profile", async () => {
    const command = fakeAgentCommand({});
    const created = await listRoute.POST(request("POST", undefined, { id: "fake", backend: "acp", label: "Fake", config: { command } }), noParams);
    expect(created.status).toBe(201);

    const installed = await availabilityRoute.GET(request("GET", "http://127.0.0.1/api/profiles/fake/availability"), ctx({ id: "fake" }));
    expect(await installed.json()).toMatchObject({ id: "fake", available: true, checked: "installed", reason: expect.stringContaining("tsx found at") });
    const check = await availabilityRoute.GET(request("GET", "http://127.0.0.1/api/profiles/fake/availability?level=started"), ctx({ id: "fake" }));
    expect(await check.json()).toMatchObject({ id: "fake", available: true, checked: "started", reason: expect.stringContaining("fake-agent 1.0.0 answered initialize in") });
    const login = await availabilityRoute.GET(request("GET", "http://127.0.0.1/api/profiles/fake/availability?level=authenticated"), ctx({ id: "fake" }));
    expect(await login.json()).toMatchObject({ id: "fake", available: true, checked: "authenticated" });
    const badLevel = await availabilityRoute.GET(request("GET", "http://127.0.0.1/api/profiles/fake/availability?level=maybe"), ctx({ id: "fake" }));
    expect(badLevel.status).toBe(400);

    const listed = (await (await listRoute.GET(request("GET"), noParams)).json()) as { profiles: ProfileBody[] };
    expect(listed.profiles.find((p) => p.id === "fake")?.availability?.available).toBe(true);

    const updated = await itemRoute.PUT(request("PUT", undefined, { config: { command: ["baton-missing-agent-xyz"] } }), ctx({ id: "fake" }));
    expect(updated.status).toBe(200);
    const recheck = await availabilityRoute.GET(request("GET", "http://127.0.0.1/api/profiles/fake/availability"), ctx({ id: "fake" }));
    expect(await recheck.json()).toMatchObject({ available: false, reason: "baton-missing-agent-xyz not found on PATH" });

    const disabled = await itemRoute.PUT(request("PUT", undefined, { enabled: false }), ctx({ id: "fake" }));
    expect(((await disabled.json()) as ProfileBody).enabled).toBe(false);

    expect((await itemRoute.DELETE(request("DELETE"), ctx({ id: "fake" }))).status).toBe(204);
    expect((await itemRoute.GET(request("GET"), ctx({ id: "fake" }))).status).toBe(404);
  });

  it("rejects invalid configs with the field and reason, and literal secrets", async () => {
    const bad = await listRoute.POST(
      request("POST", undefined, { id: "local", backend: "openai", config: { baseURL: "http://127.0.0.1:11434/v1", model: "m", apiKey: "sk-proj-abcdefghijklmnop" } }),
      noParams,
    );
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: string; issues: Array<{ path: string; message: string }> };
    expect(body.issues[0].path).toBe("config.apiKey");
    expect(body.issues[0].message).toContain("looks like a literal API key");
    expect(JSON.stringify(body)).not.toContain("sk-proj-abcdefghijklmnop");

    const badId = await listRoute.POST(request("POST", undefined, { id: "Bad Id", backend: "demo" }), noParams);
    expect(((await badId.json()) as { issues: Array<{ path: string }> }).issues[0].path).toBe("id");

    const badArgv = await itemRoute.PUT(request("PUT", undefined, { config: { command: "gemini --experimental-acp" } }), ctx({ id: "gemini" }));
    expect(badArgv.status).toBe(400);
    expect(((await badArgv.json()) as { issues: Array<{ path: string }> }).issues[0].path).toBe("config.command");

    const switchWithoutConfig = await itemRoute.PUT(request("PUT", undefined, { backend: "openai" }), ctx({ id: "gemini" }));
    expect(((await switchWithoutConfig.json()) as { issues: Array<{ path: string }> }).issues[0].path).toBe("config");
  });

  it("refuses duplicates, unknown ids and deleting the built-in demo profile", async () => {
    const dup = await listRoute.POST(request("POST", undefined, { id: "demo", backend: "demo" }), noParams);
    expect(dup.status).toBe(409);
    expect((await itemRoute.PUT(request("PUT", undefined, { label: "x" }), ctx({ id: "nope" }))).status).toBe(404);
    const demo = await itemRoute.DELETE(request("DELETE"), ctx({ id: "demo" }));
    expect(demo.status).toBe(409);
    expect(((await demo.json()) as { error: string }).error).toContain("can't be deleted");
  });

  it("waits for availability of every profile when asked", async () => {
    // claude runs through npx, which would try the network: disabled, it answers at once.
    await itemRoute.PUT(request("PUT", undefined, { enabled: false }), ctx({ id: "claude" }));
    const response = await listRoute.GET(request("GET", "http://127.0.0.1/api/profiles?availability=wait"), noParams);
    const { profiles } = (await response.json()) as { profiles: ProfileBody[] };
    expect(profiles.find((p) => p.id === "demo")?.availability).toMatchObject({ available: true, reason: expect.stringContaining("built in") });
    expect(profiles.find((p) => p.id === "claude")?.availability).toMatchObject({ available: false, reason: "profile is disabled" });
    expect(profiles.find((p) => p.id === "gemini")?.availability).toMatchObject({ available: false, reason: "gemini not found on PATH" });
    for (const p of profiles) expect(p.availability).not.toBeNull();
    const badQuery = await listRoute.GET(request("GET", "http://127.0.0.1/api/profiles?availability=maybe"), noParams);
    expect(badQuery.status).toBe(400);
  });
});
