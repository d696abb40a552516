import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "../db/client";
import { errorResponse } from "../http/route";
import { openTestPglite } from "../testing/postgres";
import { loginOrThrow, logout } from "./login";
import { sessionState } from "./sessions";
import { cookieValueOf, sessionIdOf } from "./token";

const TOKEN = "login-test-token-0123456789abcdef";

function post(body: string, type: string, headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1:3000/api/auth/login", { method: "POST", body, headers: { "content-type": type, ...headers } });
}

let db: Db;
beforeAll(async () => {
  db = await openTestPglite();
});
afterAll(async () => {
  await db.close();
});

const cookieOf = (response: Response) => cookieValueOf((response.headers.get("set-cookie") ?? "").split(";")[0], "baton_session") ?? "";

async function answer(request: Request): Promise<Response> {
  try {
    return await loginOrThrow(request, db.orm);
  } catch (error) {
    return errorResponse(error);
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("login", () => {
  it("sets the session cookie for the right token (JSON) and 401s a wrong one", async () => {
    vi.stubEnv("BATON_TOKEN", TOKEN);
    const ok = await answer(post(JSON.stringify({ token: TOKEN }), "application/json"));
    expect(ok.status).toBe(200);
    expect(sessionIdOf(cookieOf(ok), TOKEN)).not.toBeNull();
    expect(await sessionState(db.orm, cookieOf(ok), TOKEN)).toBe("live");
    const wrong = await answer(post(JSON.stringify({ token: "nope" }), "application/json"));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
  });

  it("redirects form posts: to next on success, back to /login with an error otherwise", async () => {
    vi.stubEnv("BATON_TOKEN", TOKEN);
    const ok = await answer(post(new URLSearchParams({ token: TOKEN, next: "/runs?x=1" }).toString(), "application/x-www-form-urlencoded"));
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/runs?x=1");
    expect(ok.headers.get("set-cookie")).toMatch(/HttpOnly; SameSite=Strict/);
    const wrong = await answer(post("token=bad&next=%2Fruns", "application/x-www-form-urlencoded"));
    expect(wrong.headers.get("location")).toBe("/login?error=invalid&next=%2Fruns");
  });

  it("marks the cookie Secure behind a TLS-terminating proxy", async () => {
    vi.stubEnv("BATON_TOKEN", TOKEN);
    const ok = await answer(post(JSON.stringify({ token: TOKEN }), "application/json", { "x-forwarded-proto": "https" }));
    expect(ok.headers.get("set-cookie")).toMatch(/; Secure$/);
  });

  it("names the field for a missing token and refuses other content types and huge bodies", async () => {
    vi.stubEnv("BATON_TOKEN", TOKEN);
    const missing = await answer(post("{}", "application/json"));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(/token/);
    expect((await answer(post("token=x", "text/plain"))).status).toBe(415);
    expect((await answer(post(`token=${"x".repeat(20_000)}`, "application/x-www-form-urlencoded"))).status).toBe(413);
  });

  it("says auth is off when no token is configured", async () => {
    vi.stubEnv("BATON_TOKEN", "");
    expect((await answer(post(JSON.stringify({ token: "x" }), "application/json"))).status).toBe(409);
  });

  it("logs out by ending the session and expiring the cookie; other sessions live on", async () => {
    vi.stubEnv("BATON_TOKEN", TOKEN);
    const first = cookieOf(await answer(post(JSON.stringify({ token: TOKEN }), "application/json")));
    const second = cookieOf(await answer(post(JSON.stringify({ token: TOKEN }), "application/json")));
    expect(first).not.toBe(second);
    const response = await logout(new Request("http://127.0.0.1:3000/api/auth/logout", { method: "POST", headers: { cookie: `baton_session=${first}` } }), db.orm);
    expect(response.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect(await sessionState(db.orm, first, TOKEN)).toBe("dead");
    expect(await sessionState(db.orm, second, TOKEN)).toBe("live");
  });

  it("a session expires after its lifetime", async () => {
    vi.stubEnv("BATON_TOKEN", TOKEN);
    const cookie = cookieOf(await answer(post(JSON.stringify({ token: TOKEN }), "application/json")));
    expect(await sessionState(db.orm, cookie, TOKEN, new Date(Date.now() + 31 * 24 * 3600 * 1000))).toBe("dead");
  });
});
