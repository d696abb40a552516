import { describe, expect, it } from "vitest";
import { decideRequest, hostnameOf, isLoopbackHostname, isSameOrigin, safeNextPath, sessionCookieToCheck, type GateConfig } from "./gate";
import { sessionValueFor } from "./token";

const TOKEN = "a-long-random-test-token-0123456789";
const withToken: GateConfig = { token: TOKEN, allowedOrigins: [] };
const noToken: GateConfig = { token: null, allowedOrigins: [] };

function facts(method: string, path: string, headers: Record<string, string> = {}) {
  const url = new URL(path, "http://127.0.0.1:3000");
  return {
    method,
    pathname: url.pathname,
    pathWithSearch: url.pathname + url.search,
    headers: new Headers({ host: "127.0.0.1:3000", ...headers }),
  };
}

describe("without a token", () => {
  it("allows loopback requests with no credentials", () => {
    expect(decideRequest(facts("GET", "/api/flows"), noToken)).toEqual({ action: "allow" });
    expect(decideRequest(facts("GET", "/flows", { host: "localhost:3000" }), noToken)).toEqual({ action: "allow" });
    expect(decideRequest(facts("GET", "/flows", { host: "[::1]:3000" }), noToken)).toEqual({ action: "allow" });
  });

  it("refuses a non-loopback Host (DNS rebinding)", () => {
    const decision = decideRequest(facts("GET", "/api/flows", { host: "evil.example:3000" }), noToken);
    expect(decision).toMatchObject({ action: "reject", status: 403 });
  });

  it("still refuses cross-origin mutations (CSRF against localhost)", () => {
    const decision = decideRequest(facts("POST", "/api/flows", { origin: "https://evil.example" }), noToken);
    expect(decision).toMatchObject({ action: "reject", status: 403, code: "forbidden" });
  });
});

describe("origin check", () => {
  it("allows same-origin and origin-less mutations, refuses others and the opaque origin", () => {
    expect(decideRequest(facts("POST", "/api/flows", { origin: "http://127.0.0.1:3000" }), noToken).action).toBe("allow");
    expect(decideRequest(facts("DELETE", "/api/flows/x"), noToken).action).toBe("allow");
    for (const origin of ["http://127.0.0.1:3001", "http://localhost:3000", "null", "file://", "not a url"]) {
      for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
        expect(decideRequest(facts(method, "/api/flows", { origin }), noToken)).toMatchObject({ status: 403 });
      }
    }
  });

  it("ignores Origin on safe methods", () => {
    expect(decideRequest(facts("GET", "/api/flows", { origin: "https://evil.example" }), noToken).action).toBe("allow");
  });

  it("accepts configured extra origins", () => {
    expect(isSameOrigin("https://baton.example.com", "127.0.0.1:3000", ["https://baton.example.com"])).toBe(true);
    expect(isSameOrigin("https://evil.example", "127.0.0.1:3000", ["https://baton.example.com"])).toBe(false);
  });

  it("refuses a declared body beyond what the proxy can buffer", () => {
    const decision = decideRequest(facts("POST", "/api/flows", { "content-length": String(11 * 1024 * 1024) }), noToken);
    expect(decision).toMatchObject({ action: "reject", status: 413 });
  });
});

describe("with a token", () => {
  it("sends API requests without credentials a 401 and pages a redirect to /login", () => {
    expect(decideRequest(facts("GET", "/api/flows"), withToken)).toMatchObject({ action: "reject", status: 401 });
    expect(decideRequest(facts("POST", "/api/mcp"), withToken)).toMatchObject({ action: "reject", status: 401 });
    expect(decideRequest(facts("GET", "/runs/abc?tab=log"), withToken)).toEqual({
      action: "redirect",
      location: "/login?next=%2Fruns%2Fabc%3Ftab%3Dlog",
    });
    expect(decideRequest(facts("POST", "/flows"), withToken)).toMatchObject({ status: 401 });
  });

  it("accepts the bearer token and refuses a wrong one even with a live session", () => {
    expect(decideRequest(facts("GET", "/api/flows", { authorization: `Bearer ${TOKEN}` }), withToken).action).toBe("allow");
    const wrong = decideRequest(
      { ...facts("GET", "/api/flows", { authorization: `Bearer ${TOKEN}x`, cookie: `baton_session=${sessionValueFor("s1", TOKEN)}` }), session: "live" },
      withToken,
    );
    expect(wrong).toMatchObject({ action: "reject", status: 401 });
    expect(decideRequest(facts("GET", "/api/flows", { authorization: TOKEN }), withToken)).toMatchObject({ status: 401 });
  });

  it("accepts a live session and refuses a dead one (forged, expired, logged out) with the reason", () => {
    const cookie = { cookie: `baton_session=${sessionValueFor("s1", TOKEN)}` };
    expect(decideRequest({ ...facts("GET", "/flows", cookie), session: "live" }, withToken).action).toBe("allow");
    expect(decideRequest({ ...facts("GET", "/api/flows", cookie), session: "dead" }, withToken)).toMatchObject({
      status: 401,
      message: "session expired or ended; log in again",
    });
    expect(decideRequest({ ...facts("GET", "/runs", cookie), session: "dead" }, withToken)).toMatchObject({ action: "redirect" });
    // A cookie nobody looked up is no credential.
    expect(decideRequest(facts("GET", "/api/flows", cookie), withToken)).toMatchObject({ status: 401 });
  });

  it("names the cookie to look up only when the session rule will consult it", () => {
    const cookie = { cookie: `other=1; baton_session=abc.def` };
    expect(sessionCookieToCheck(facts("GET", "/api/flows", cookie), withToken)).toBe("abc.def");
    expect(sessionCookieToCheck(facts("GET", "/api/flows", cookie), noToken)).toBeNull();
    expect(sessionCookieToCheck(facts("GET", "/login", cookie), withToken)).toBeNull();
    expect(sessionCookieToCheck(facts("GET", "/api/flows", { ...cookie, authorization: `Bearer ${TOKEN}` }), withToken)).toBeNull();
    expect(sessionCookieToCheck(facts("GET", "/api/flows"), withToken)).toBeNull();
  });

  it("leaves the login page and auth routes open, nothing else", () => {
    for (const path of ["/login", "/login?next=/runs"]) expect(decideRequest(facts("GET", path), withToken).action).toBe("allow");
    for (const path of ["/api/auth/login", "/api/auth/logout"]) {
      expect(decideRequest(facts("POST", path), withToken).action).toBe("allow");
    }
    for (const path of ["/login2", "/api/auth", "/api/auth/other", "/", "/api/health"]) {
      expect(decideRequest(facts("GET", path), withToken).action).not.toBe("allow");
    }
  });

  it("lets a waitpoint answer through on its path's token alone; only POST, only one segment, still same-origin", () => {
    const path = "/api/waitpoints/wp_abc";
    expect(decideRequest(facts("POST", path), withToken).action).toBe("allow");
    expect(sessionCookieToCheck(facts("POST", path, { cookie: "baton_session=x" }), withToken)).toBeNull();
    for (const [method, other] of [["GET", path], ["POST", "/api/waitpoints/"], ["POST", "/api/waitpoints/a/b"], ["POST", "/api/waitpoints"]]) {
      expect(decideRequest(facts(method, other), withToken).action, `${method} ${other}`).not.toBe("allow");
    }
    expect(decideRequest(facts("POST", path, { origin: "http://evil.example" }), withToken)).toMatchObject({ status: 403 });
    expect(decideRequest(facts("POST", path, { host: "evil.example" }), noToken)).toMatchObject({ status: 403 });
  });

  it("lets the drafting agent's MCP endpoint through on its path's token alone (any method, one segment), still same-origin", () => {
    const path = "/api/drafts/mcp/dt_abc";
    for (const method of ["POST", "GET", "DELETE"]) expect(decideRequest(facts(method, path), withToken).action, method).toBe("allow");
    expect(sessionCookieToCheck(facts("POST", path, { cookie: "baton_session=x" }), withToken)).toBeNull();
    for (const other of ["/api/drafts/mcp/", "/api/drafts/mcp/a/b", "/api/drafts/mcp", "/api/mcp"]) {
      expect(decideRequest(facts("POST", other), withToken).action, other).not.toBe("allow");
    }
    expect(decideRequest(facts("POST", path, { origin: "http://evil.example" }), withToken)).toMatchObject({ status: 403 });
    expect(decideRequest(facts("POST", path, { host: "evil.example" }), noToken)).toMatchObject({ status: 403 });
  });

  it("serves other host names (the token is the guard) but still checks Origin", () => {
    const remote = { host: "baton.lan:3000", authorization: `Bearer ${TOKEN}` };
    expect(decideRequest(facts("GET", "/api/flows", remote), withToken).action).toBe("allow");
    expect(decideRequest(facts("POST", "/api/flows", { ...remote, origin: "http://baton.lan:3000" }), withToken).action).toBe(
      "allow",
    );
    expect(decideRequest(facts("POST", "/api/flows", { ...remote, origin: "http://evil.example" }), withToken)).toMatchObject({
      status: 403,
    });
  });
});

describe("helpers", () => {
  it("splits host and port, IPv6 included", () => {
    expect(hostnameOf("127.0.0.1:3000")).toBe("127.0.0.1");
    expect(hostnameOf("[::1]:3000")).toBe("[::1]");
    expect(hostnameOf("LOCALHOST")).toBe("localhost");
  });

  it("knows loopback names", () => {
    for (const name of ["localhost", "127.0.0.1", "127.1.2.3", "[::1]", "app.localhost"]) expect(isLoopbackHostname(name)).toBe(true);
    for (const name of ["0.0.0.0", "10.0.0.1", "evil.example", "127.0.0.1.evil.example", "localhost.evil.example"]) {
      expect(isLoopbackHostname(name)).toBe(false);
    }
  });

  it("never turns next into an open redirect", () => {
    expect(safeNextPath("/runs/1?x=2")).toBe("/runs/1?x=2");
    for (const bad of ["//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)", "", null, "/\n/x"]) {
      expect(safeNextPath(bad)).toBe("/");
    }
  });
});
