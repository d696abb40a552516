import { afterEach, describe, expect, it, vi } from "vitest";
import { errorResponse } from "../http/route";
import { loginOrThrow, logout } from "./login";
import { sessionValueFor } from "./token";

const TOKEN = "login-test-token-0123456789abcdef";

function post(body: string, type: string, headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1:3000/api/auth/login", { method: "POST", body, headers: { "content-type": type, ...headers } });
}

async function answer(request: Request): Promise<Response> {
  try {
    return await loginOrThrow(request);
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
    expect(ok.headers.get("set-cookie")).toContain(`baton_session=${sessionValueFor(TOKEN)}`);
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

  it("logs out by expiring the cookie", () => {
    const response = logout(new Request("http://127.0.0.1:3000/api/auth/logout", { method: "POST" }));
    expect(response.headers.get("set-cookie")).toMatch(/Max-Age=0/);
  });
});
