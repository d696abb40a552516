/**
 * Black-box security tests against a production build with BATON_TOKEN set. Routes are
 * enumerated from the app directory (lib/security/routes.ts), so a route added later is
 * covered without editing this file.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DRAFT_MCP_PREFIX, PUBLIC_PATHS, WAITPOINT_PREFIX } from "@/lib/auth/gate";
import { ensureExampleRepo } from "@/lib/git/example-repo";
import { listAppRoutes, type AppRoute } from "@/lib/security/routes";
import { startTestServerOrThrow, type TestServer } from "@/lib/security/test-server";

const ROOT = path.resolve(import.meta.dirname, "..");
const TOKEN = "security-suite-token-6f1c0a9e4b2d7c35";
const PORT = Number(process.env.BATON_SECURITY_PORT ?? 3317);

const routes = listAppRoutes(ROOT);
const apiCalls = routes
  .filter((route) => route.kind === "api")
  .flatMap((route) => route.methods.filter((method) => method !== "HEAD" && method !== "OPTIONS").map((method) => ({ route, method })));
// A waitpoint answer (POST /api/waitpoints/<token>) carries its credential in the path: the
// gate lets it through, and an unknown token must get no further than a 404 (tested below).
const isWaitpointAnswer = ({ route, method }: { route: AppRoute; method: string }) =>
  method === "POST" && route.path.startsWith(WAITPOINT_PREFIX);
// So does the drafting agent's MCP endpoint (/api/drafts/mcp/<token>, live only while its draft is written).
const isDraftMcpCall = ({ route }: { route: AppRoute }) => route.path.startsWith(DRAFT_MCP_PREFIX);
const protectedApiCalls = apiCalls.filter((call) => !PUBLIC_PATHS.has(call.route.path) && !isWaitpointAnswer(call) && !isDraftMcpCall(call));
const pages = routes.filter((route) => route.kind === "page" && !PUBLIC_PATHS.has(route.path));

/** Set in the server's environment only; it must never come back in any response or log. */
const PROBE_KEY = "sk-probe-3f9a1c77e2d84b06a5c1e9f0d2b7a611";
const repoRoots = fs.mkdtempSync(path.join(os.tmpdir(), "baton-security-roots-"));
const outside = fs.mkdtempSync(path.join(os.tmpdir(), "baton-security-outside-"));

let server: TestServer;
let sessionCookie = "";

beforeAll(async () => {
  await ensureExampleRepo(repoRoots);
  await ensureExampleRepo(outside);
  fs.mkdirSync(path.join(repoRoots, "not-a-repo"));
  fs.symlinkSync(path.join(outside, "example-repo"), path.join(repoRoots, "escape"));
  server = await startTestServerOrThrow({
    projectRoot: ROOT,
    port: PORT,
    distDir: ".next-security-test",
    env: { BATON_TOKEN: TOKEN, BATON_REPO_ROOTS: repoRoots, SECURITY_PROBE_KEY: PROBE_KEY },
  });
  const login = await fetch(`${server.baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: TOKEN }),
  });
  expect(login.status).toBe(200);
  sessionCookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
}, 900_000);

afterAll(async () => {
  await server?.stop();
  fs.rmSync(repoRoots, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

/** One request; the body is always consumed or cancelled so SSE routes can't hold the socket. */
async function call(method: string, urlPath: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const response = await fetch(`${server.baseUrl}${urlPath}`, {
    method,
    redirect: "manual",
    headers: init.headers,
    body: init.body ?? (method === "GET" || method === "HEAD" ? undefined : "{}"),
  });
  const type = response.headers.get("content-type") ?? "";
  const text = type.includes("text/event-stream") ? (await response.body?.cancel(), "") : await response.text();
  return { status: response.status, headers: response.headers, text };
}

const jsonHeaders = (extra: Record<string, string> = {}) => ({ "content-type": "application/json", ...extra });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const label = ({ route, method }: { route: AppRoute; method: string }) => `${method} ${route.path} (${route.file})`;

describe("route enumeration", () => {
  it("finds API routes and pages, and only the login routes are public", () => {
    expect(protectedApiCalls.length).toBeGreaterThan(3);
    expect(pages.length).toBeGreaterThan(0);
    const publicRoutes = routes.filter((route) => PUBLIC_PATHS.has(route.path)).map((route) => route.path);
    expect(new Set(publicRoutes)).toEqual(new Set(["/login", "/api/auth/login", "/api/auth/logout"]));
  });

  it("wraps every route handler in route() so errors never leak stack traces or SQL", () => {
    const unwrapped: string[] = [];
    for (const route of routes.filter((candidate) => candidate.kind === "api")) {
      const source = fs.readFileSync(path.join(ROOT, route.file), "utf8");
      for (const method of route.methods) {
        if (!new RegExp(`export\\s+const\\s+${method}\\s*=\\s*route\\b`).test(source)) unwrapped.push(`${method} ${route.file}`);
      }
    }
    expect(unwrapped).toEqual([]);
  });
});

describe("with BATON_TOKEN set", () => {
  it("answers every API route 401 without credentials, with JSON naming the problem", async () => {
    const failures: string[] = [];
    for (const target of protectedApiCalls) {
      const response = await call(target.method, target.route.path, { headers: jsonHeaders() });
      if (response.status !== 401 || !JSON.parse(response.text).error) failures.push(`${label(target)} → ${response.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("answers a well-formed but unknown waitpoint token 404, and a malformed one 400, with no credentials at all", async () => {
    expect(apiCalls.filter(isWaitpointAnswer).length).toBe(1);
    const body = JSON.stringify({ decision: "approve" });
    const response = await call("POST", `${WAITPOINT_PREFIX}wp_${"A".repeat(43)}`, { headers: jsonHeaders(), body });
    expect(response.status).toBe(404);
    const malformed = await call("POST", `${WAITPOINT_PREFIX}sample-token`, { headers: jsonHeaders(), body });
    expect(malformed.status).toBe(400);
  });

  it("answers the draft MCP endpoint with an unknown token 404 (POST) or 405 (GET, DELETE), with no credentials at all", async () => {
    expect(apiCalls.filter(isDraftMcpCall).map((target) => target.method).sort()).toEqual(["DELETE", "GET", "POST"]);
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    const response = await call("POST", `${DRAFT_MCP_PREFIX}dt_${"A".repeat(32)}`, { headers: jsonHeaders({ accept: "application/json, text/event-stream" }), body });
    expect(response.status).toBe(404);
    expect(response.text).toContain("no such draft");
    expect(response.text).not.toContain("validate_flow");
    for (const method of ["GET", "DELETE"]) expect((await call(method, `${DRAFT_MCP_PREFIX}dt_x`, { headers: jsonHeaders() })).status).toBe(405);
  });

  it("answers every API route 401 with a wrong bearer token or a forged cookie", async () => {
    const failures: string[] = [];
    for (const target of protectedApiCalls) {
      for (const headers of [bearer(`${TOKEN}x`), bearer(TOKEN.slice(0, -1)), { cookie: `baton_session=${TOKEN}` }]) {
        const response = await call(target.method, target.route.path, { headers: jsonHeaders(headers) });
        if (response.status !== 401) failures.push(`${label(target)} with ${Object.keys(headers)[0]} → ${response.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("lets the right token through on every API route (bearer and cookie), answering 4xx not 5xx to sample input", async () => {
    const failures: string[] = [];
    for (const target of protectedApiCalls) {
      for (const headers of [bearer(TOKEN), { cookie: sessionCookie }]) {
        const response = await call(target.method, target.route.path, { headers: jsonHeaders(headers) });
        if (response.status === 401 || response.status >= 500) failures.push(`${label(target)} → ${response.status} ${response.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("redirects every page to /login without credentials and serves it with them", async () => {
    const failures: string[] = [];
    for (const page of pages) {
      const anonymous = await call("GET", page.path);
      const location = anonymous.headers.get("location") ?? "";
      if (![303, 307].includes(anonymous.status) || !location.startsWith(`/login?next=${encodeURIComponent(page.path)}`)) {
        failures.push(`GET ${page.path} anonymous → ${anonymous.status} ${location}`);
      }
      const wrong = await call("GET", page.path, { headers: bearer("nope") });
      if (wrong.status !== 401) failures.push(`GET ${page.path} wrong token → ${wrong.status}`);
      const authed = await call("GET", page.path, { headers: { cookie: sessionCookie } });
      if (authed.status === 401 || (authed.headers.get("location") ?? "").startsWith("/login")) {
        failures.push(`GET ${page.path} with cookie → ${authed.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("gates Next's own endpoints that read other URLs (the image optimizer) and leaves only hashed assets open", async () => {
    const image = await call("GET", "/_next/image?url=%2Fapi%2Fflows&w=64&q=75");
    expect(image.status).toBe(303);
    expect(image.headers.get("location")).toMatch(/^\/login\?next=/);
    const login = await call("GET", "/login");
    const asset = /\/_next\/static\/[^"']+\.css/.exec(login.text)?.[0];
    expect(asset).toMatch(/^\/_next\/static\/.+\.css$/);
    expect((await call("GET", asset ?? "")).status).toBe(200);
  });

  it("serves the login page to anyone and logs in through the form with an httpOnly strict cookie", async () => {
    const page = await call("GET", "/login?next=/runs");
    expect(page.status).toBe(200);
    // Pages with buttons that act must not be framed by other sites.
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const api = await call("GET", "/api/flows", { headers: bearer(TOKEN) });
    expect(api.status).toBe(200);
    expect(api.headers.get("x-frame-options")).toBe("DENY");
    expect(page.text).toContain('action="/api/auth/login"');

    const form = { "content-type": "application/x-www-form-urlencoded" };
    const wrong = await call("POST", "/api/auth/login", { headers: form, body: "token=wrong&next=%2Fruns" });
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get("location")).toBe("/login?error=invalid&next=%2Fruns");
    expect(wrong.headers.get("set-cookie")).toBeNull();

    const right = await call("POST", "/api/auth/login", { headers: form, body: `token=${TOKEN}&next=%2F%2Fevil.example` });
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toBe("/");
    const cookie = right.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);

    const wrongJson = await call("POST", "/api/auth/login", { headers: jsonHeaders(), body: JSON.stringify({ token: "nope" }) });
    expect(wrongJson.status).toBe(401);

    const logout = await call("POST", "/api/auth/logout", { headers: jsonHeaders() });
    expect(logout.headers.get("set-cookie")).toMatch(/Max-Age=0/);
  });

  it("logout ends the session: the logged-out cookie gets 401 (pages: back to /login); other sessions and the bearer token still work", async () => {
    const login = async () => {
      const response = await call("POST", "/api/auth/login", { headers: jsonHeaders(), body: JSON.stringify({ token: TOKEN }) });
      expect(response.status).toBe(200);
      return (response.headers.get("set-cookie") ?? "").split(";")[0];
    };
    const doomed = await login();
    const other = await login();
    expect(doomed).not.toBe(other);
    expect((await call("GET", "/api/flows", { headers: { cookie: doomed } })).status).toBe(200);

    const logout = await call("POST", "/api/auth/logout", { headers: jsonHeaders({ cookie: doomed }) });
    expect(logout.status).toBe(200);
    const after = await call("GET", "/api/flows", { headers: { cookie: doomed } });
    expect(after.status).toBe(401);
    expect(JSON.parse(after.text).error).toMatch(/session expired or ended/);
    expect((await call("GET", "/runs", { headers: { cookie: doomed } })).headers.get("location")).toMatch(/^\/login\?next=/);
    expect((await call("POST", "/api/flows", { headers: jsonHeaders({ cookie: doomed }), body: "{}" })).status).toBe(401);

    expect((await call("GET", "/api/flows", { headers: { cookie: other } })).status).toBe(200);
    expect((await call("GET", "/api/flows", { headers: bearer(TOKEN) })).status).toBe(200);
  });
});

describe("request hygiene", () => {
  const authed = (extra: Record<string, string> = {}) => jsonHeaders({ ...bearer(TOKEN), ...extra });

  it("refuses cross-origin mutations on every mutating route, even with the token", async () => {
    const failures: string[] = [];
    for (const target of apiCalls.filter(({ method }) => method !== "GET")) {
      for (const origin of ["https://evil.example", "null", `http://127.0.0.1:${PORT + 1}`]) {
        const response = await call(target.method, target.route.path, { headers: authed({ origin }) });
        if (response.status !== 403) failures.push(`${label(target)} from ${origin} → ${response.status}`);
      }
    }
    expect(failures).toEqual([]);
    const sameOrigin = await call("POST", "/api/flows", { headers: authed({ origin: server.baseUrl }), body: "{}" });
    expect(sameOrigin.status).toBe(400);
  });

  it("refuses oversized bodies with a reason", async () => {
    const big = JSON.stringify({ name: "x".repeat(3 * 1024 * 1024) });
    const tooBig = await call("POST", "/api/flows", { headers: authed(), body: big });
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.text).error).toMatch(/limit/);

    const declared = await fetch(`${server.baseUrl}/api/flows`, {
      method: "POST",
      headers: authed({ "content-length": String(11 * 1024 * 1024) }),
      body: "{}",
    }).catch((error: Error) => error);
    // undici refuses a lying Content-Length before sending; either way nothing reaches the route.
    if (declared instanceof Response) expect(declared.status).toBe(413);
    else expect(declared).toBeInstanceOf(Error);
  });

  it("refuses malformed bodies with a 4xx naming the problem", async () => {
    const malformed = await call("POST", "/api/flows", { headers: authed(), body: "{not json" });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.text).error).toMatch(/not valid JSON/);

    const wrongType = await call("POST", "/api/flows", { headers: { ...bearer(TOKEN), "content-type": "text/plain" }, body: "{}" });
    expect(wrongType.status).toBe(415);

    const invalid = await call("POST", "/api/flows", { headers: authed(), body: JSON.stringify({ name: 42 }) });
    expect(invalid.status).toBe(400);
    const body = JSON.parse(invalid.text) as { issues: { path: string }[] };
    expect(body.issues.length).toBeGreaterThan(0);
  });

  it("refuses NUL, lone surrogates and deep nesting in bodies, path segments and queries with a 400 naming the field", async () => {
    const created = await call("POST", "/api/flows", {
      headers: authed(),
      body: JSON.stringify({ name: "boundary", inputs: [{ name: "task" }], nodes: [{ id: "a", kind: "agent", config: { profile: "demo", prompt: "p" } }] }),
    });
    expect(created.status, created.text).toBe(201);
    const flowId = (JSON.parse(created.text) as { id: string }).id;
    const node = (config: Record<string, unknown>) => ({ id: "a", kind: "agent", config: { profile: "demo", prompt: "p", ...config } });
    const cases: Array<[string, string, string, string]> = [
      ["POST", "/api/flows", JSON.stringify({ name: "a\u0000b", nodes: [] }), "name"],
      ["POST", "/api/flows", JSON.stringify({ name: "n", nodes: [node({ prompt: "p\u0000" })] }), "nodes[0].config.prompt"],
      ["POST", "/api/flows", JSON.stringify({ name: "n", nodes: [node({ options: { "k\u0000": 1 } })] }), 'nodes[0].config.options["k\\u0000"]'],
      ["POST", "/api/flows", '{"name": "\\ud800", "nodes": []}', "name"],
      ["POST", "/api/flows", `{"name": "n", "nodes": [{"id": "a", "kind": "agent", "config": {"profile": "demo", "prompt": "p", "options": {"x": ${"[".repeat(10_000)}${"]".repeat(10_000)}}}}]}`, "nodes[0].config.options.x" + "[0]".repeat(50)],
      ["PATCH", `/api/flows/${flowId}`, JSON.stringify({ name: "\u0000" }), "name"],
      ["POST", `/api/flows/${flowId}/runs`, JSON.stringify({ inputs: { task: "\u0000" } }), "inputs.task"],
      ["GET", "/api/runs/%00", "", "id"],
      ["GET", "/api/runs/%00/events", "", "id"],
      ["GET", "/api/runs?flow=%00", "", "flow"],
    ];
    const failures: string[] = [];
    for (const [method, urlPath, body, field] of cases) {
      const response = await call(method, urlPath, { headers: authed(), body: method === "GET" ? undefined : body });
      const paths = response.status === 400 ? (JSON.parse(response.text) as { issues: Array<{ path: string }> }).issues.map((i) => i.path) : [];
      if (response.status !== 400 || !paths[0]?.startsWith(field)) failures.push(`${method} ${urlPath.slice(0, 60)} → ${response.status} ${response.text.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });

  it("never sends stack traces or SQL errors to the client", async () => {
    const bodies: string[] = [];
    for (const target of protectedApiCalls) {
      for (const body of ["{not json", JSON.stringify({ id: "'; drop table flows; --", flowId: "x".repeat(5000) })]) {
        bodies.push((await call(target.method, target.route.path, { headers: authed(), body: target.method === "GET" ? undefined : body })).text);
      }
    }
    for (const text of bodies) {
      expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
      expect(text).not.toMatch(/syntax error at or near|relation ".+" does not exist|violates .+ constraint/i);
    }
  });
});

describe("runs and conductor mode through the real server", () => {
  const authed = (extra: Record<string, string> = {}) => jsonHeaders({ ...bearer(TOKEN), ...extra });

  async function createFlowOrThrow(profile: string, workspace: "code" | "none"): Promise<string> {
    const response = await call("POST", "/api/flows", {
      headers: authed(),
      body: JSON.stringify({ name: `probe ${profile}`, nodes: [{ id: "work", kind: "agent", config: { profile, prompt: "go", workspace } }] }),
    });
    expect(response.status, response.text).toBe(201);
    return (JSON.parse(response.text) as { id: string }).id;
  }

  async function finishedRunOrThrow(runId: string): Promise<Record<string, unknown>> {
    for (;;) {
      const response = await call("GET", `/api/runs/${runId}`, { headers: authed() });
      const run = JSON.parse(response.text) as { status: string };
      if (["succeeded", "failed", "canceled"].includes(run.status)) return run;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it("refuses relative, missing, non-git, outside-the-roots and escaping repo paths, naming the field", async () => {
    const flowId = await createFlowOrThrow("demo", "code");
    const refused = [
      "relative/example-repo",
      "/does/not/exist",
      path.join(repoRoots, "not-a-repo"),
      path.join(outside, "example-repo"),
      `${repoRoots}/../${path.basename(outside)}/example-repo`,
      path.join(repoRoots, "escape"),
    ];
    const failures: string[] = [];
    for (const repo of refused) {
      const response = await call("POST", `/api/flows/${flowId}/runs`, { headers: authed(), body: JSON.stringify({ repo }) });
      if (response.status !== 400 || !/repo/.test(response.text)) failures.push(`${repo} → ${response.status} ${response.text.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    const inside = await call("POST", `/api/flows/${flowId}/runs`, {
      headers: authed(),
      body: JSON.stringify({ repo: path.join(repoRoots, "example-repo") }),
    });
    expect(inside.status, inside.text).toBe(201);
  });

  it("never returns a key set in an env var, in any response, event or log, after a run that used it", async () => {
    const profile = await call("POST", "/api/profiles", {
      headers: authed(),
      body: JSON.stringify({
        id: "probe",
        backend: "command",
        label: "prints its key",
        config: { command: ["sh", "-c", 'echo "key=$PROBE_KEY"; echo probe-done'], env: { PROBE_KEY: "$SECURITY_PROBE_KEY" } },
      }),
    });
    expect(profile.status, profile.text).toBe(201);
    const flowId = await createFlowOrThrow("probe", "none");
    const started = await call("POST", `/api/flows/${flowId}/runs`, { headers: authed(), body: "{}" });
    expect(started.status, started.text).toBe(201);
    const runId = (JSON.parse(started.text) as { id: string }).id;
    const run = await finishedRunOrThrow(runId);
    const runText = JSON.stringify(run);
    expect(runText).toContain("probe-done");
    expect(runText, "the run's stored output shows the key in clear: outputs/events must pass through redactSecrets").not.toContain(PROBE_KEY);
    // The agent really had the key (it printed something in its place)...
    expect(runText, "the agent did not receive the key from the profile's env reference").toMatch(/key=\[redacted\]/);

    // ...and it is nowhere a client or an operator can read it.
    const texts = [JSON.stringify(run), server.output()];
    for (const urlPath of ["/api/runs", `/api/runs/${runId}`, `/api/runs/${runId}/events`, "/api/profiles", "/api/profiles/probe"]) {
      const response = await fetch(`${server.baseUrl}${urlPath}`, { headers: bearer(TOKEN) });
      texts.push(await response.text());
    }
    for (const text of texts) expect(text).not.toContain(PROBE_KEY);
  });

  it("serves MCP with the bearer token; what it starts is an ordinary run in /api/runs", async () => {
    const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
    const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
    const url = new URL(`${server.baseUrl}/api/mcp`);

    const anonymous = new Client({ name: "anonymous", version: "1" });
    await expect(anonymous.connect(new StreamableHTTPClientTransport(url))).rejects.toThrow();

    const client = new Client({ name: "security-suite", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: bearer(TOKEN) } }));
    try {
      const created = await client.callTool({ name: "create_agent", arguments: { title: "Via HTTP", provider: "demo", initialPrompt: "hello" } });
      expect(created.isError ?? false).toBe(false);
      const agentId = (created.structuredContent as { agentId: string }).agentId;
      const waited = await client.callTool({ name: "wait_for_agent", arguments: { agentId, timeoutSec: 60 } });
      expect(waited.structuredContent).toMatchObject({ status: "idle", timedOut: false });

      const runs = JSON.parse((await call("GET", "/api/runs", { headers: authed() })).text) as { runs: { id: string; origin: string }[] };
      expect(runs.runs.find((run) => run.id === agentId)).toMatchObject({ origin: "mcp" });

      const nul = await client.callTool({ name: "create_agent", arguments: { title: "t", provider: "demo", initialPrompt: "a\u0000b" } });
      expect(nul).toMatchObject({ isError: true, content: [{ type: "text", text: "invalid arguments: initialPrompt: contains a NUL character (\\u0000)" }] });
    } finally {
      await client.close();
    }
  });
});
