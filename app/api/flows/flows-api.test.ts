// Drives the real route handlers with real Requests over the embedded database.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-flows-api-"));
process.env.BATON_DATA_DIR = dataDir;
delete process.env.DATABASE_URL;

const flowsRoute = await import("./route");
const flowRoute = await import("./[id]/route");
const versionsRoute = await import("./[id]/versions/route");
const versionRoute = await import("./[id]/versions/[version]/route");
const healthRoute = await import("../health/route");

const ctx = <P>(params: P) => ({ params: Promise.resolve(params) });
const noParams = ctx({} as Record<string, never>);
const request = (method: string, body?: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
  new Request("http://127.0.0.1/api/flows", { method, body, headers });

const sample = {
  name: "API flow",
  inputs: [{ name: "task", required: true }],
  nodes: [
    { id: "plan", kind: "agent", config: { profile: "demo", prompt: "Plan: {{inputs.task}}" } },
    { id: "sum", kind: "fold", config: { mode: "concat" } },
  ],
  edges: [{ from: "plan", to: "sum" }],
};

beforeAll(async () => {
  const health = await healthRoute.GET(request("GET"), noParams);
  expect(health.status).toBe(200);
});

afterAll(async () => {
  const { appDb } = await import("@/lib/app-db");
  await (await appDb()).close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("flows API", () => {
  it("lists the seeded example flow on first start", async () => {
    const response = await flowsRoute.GET(request("GET"), noParams);
    const body = (await response.json()) as { flows: Array<{ name: string; nodeCount: number }> };
    expect(body.flows.map((f) => f.name)).toContain("Example: plan, build in an arena, summarise");
  });

  it("creates, reads, saves versions, renames and deletes", async () => {
    const created = await flowsRoute.POST(request("POST", JSON.stringify(sample)), noParams);
    expect(created.status).toBe(201);
    const flow = (await created.json()) as { id: string; version: number };
    expect(flow.version).toBe(1);

    const saved = await flowRoute.PUT(
      request("PUT", JSON.stringify({ document: { ...sample, name: "API flow v2" }, baseVersion: 1 })),
      ctx({ id: flow.id }),
    );
    expect(saved.status).toBe(200);
    expect(((await saved.json()) as { latestVersion: number }).latestVersion).toBe(2);

    const stale = await flowRoute.PUT(request("PUT", JSON.stringify({ document: sample, baseVersion: 1 })), ctx({ id: flow.id }));
    expect(stale.status).toBe(409);

    const bare = await flowRoute.PUT(request("PUT", JSON.stringify(sample)), ctx({ id: flow.id }));
    expect(((await bare.json()) as { latestVersion: number }).latestVersion).toBe(3);

    const renamed = await flowRoute.PATCH(request("PATCH", JSON.stringify({ name: "Renamed" })), ctx({ id: flow.id }));
    expect(((await renamed.json()) as { name: string }).name).toBe("Renamed");

    const versions = await versionsRoute.GET(request("GET"), ctx({ id: flow.id }));
    expect(((await versions.json()) as { versions: Array<{ version: number }> }).versions.map((v) => v.version)).toEqual([4, 3, 2, 1]);

    const v1 = await versionRoute.GET(request("GET"), ctx({ id: flow.id, version: "1" }));
    expect(((await v1.json()) as { document: { name: string } }).document.name).toBe("API flow");

    expect((await flowRoute.DELETE(request("DELETE"), ctx({ id: flow.id }))).status).toBe(204);
    expect((await flowRoute.GET(request("GET"), ctx({ id: flow.id }))).status).toBe(404);
  });

  it("answers 400 with every issue's path for an invalid flow, and stores nothing", async () => {
    const before = ((await (await flowsRoute.GET(request("GET"), noParams)).json()) as { flows: unknown[] }).flows.length;
    const bad = {
      ...sample,
      nodes: [...sample.nodes, { id: "x", kind: "wat", config: {} }],
      edges: [...sample.edges, { from: "sum", to: "plan" }],
    };
    const response = await flowsRoute.POST(request("POST", JSON.stringify(bad)), noParams);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; issues: Array<{ path: string; message: string }> };
    expect(body.code).toBe("validation_failed");
    expect(body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "nodes[2].kind", message: expect.stringContaining('unknown kind "wat"') }),
        // A cycle is named by the edge that closes it (the one added last here).
        expect.objectContaining({ path: `edges[${sample.edges.length}]`, message: "cycle: plan → sum → plan (the edge sum → plan closes it)" }),
      ]),
    );
    const after = ((await (await flowsRoute.GET(request("GET"), noParams)).json()) as { flows: unknown[] }).flows.length;
    expect(after).toBe(before);
  });

  it("answers 413 for an oversized body, even without a Content-Length", async () => {
    const huge = JSON.stringify({ ...sample, description: "x".repeat(3 * 1024 * 1024) });
    const declared = await flowsRoute.POST(
      request("POST", huge, { "content-type": "application/json", "content-length": String(huge.length) }),
      noParams,
    );
    expect(declared.status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(huge));
        controller.close();
      },
    });
    const streamed = await flowsRoute.POST(
      new Request("http://127.0.0.1/api/flows", {
        method: "POST",
        body: stream,
        headers: { "content-type": "application/json" },
        duplex: "half",
      } as RequestInit),
      noParams,
    );
    expect(streamed.status).toBe(413);
  });

  it("answers 400 for malformed JSON and 415 for other content types", async () => {
    const malformed = await flowsRoute.POST(request("POST", "{not json"), noParams);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toMatch(/not valid JSON/);
    const text = await flowsRoute.POST(request("POST", "name=x", { "content-type": "application/x-www-form-urlencoded" }), noParams);
    expect(text.status).toBe(415);
  });

  it("answers 400 naming the version parameter, and 404 for unknown flows", async () => {
    const bad = await versionRoute.GET(request("GET"), ctx({ id: "flow_x", version: "abc" }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: Array<{ path: string }> }).issues[0].path).toBe("version");
    expect((await flowRoute.GET(request("GET"), ctx({ id: "flow_nope" }))).status).toBe(404);
    const rename = await flowRoute.PATCH(request("PATCH", JSON.stringify({ name: "" })), ctx({ id: "flow_nope" }));
    expect(rename.status).toBe(400);
    expect(((await rename.json()) as { issues: Array<{ path: string }> }).issues[0].path).toBe("name");
  });
});
