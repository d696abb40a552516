import path from "node:path";
import { describe, expect, it } from "vitest";
import { exportedMethodsOf, listAppRoutes, urlPathOf } from "./routes";

describe("route enumeration", () => {
  it("fills dynamic segments and drops groups", () => {
    expect(urlPathOf(["api", "flows", "[id]", "versions", "[version]"])).toBe("/api/flows/sample-id/versions/1");
    expect(urlPathOf(["(main)", "runs", "[runId]"])).toBe("/runs/sample-runid");
    expect(urlPathOf(["docs", "[...slug]"])).toBe("/docs/a/b");
    expect(urlPathOf([])).toBe("/");
  });

  it("reads exported handlers from source", () => {
    const source = `export const GET = route(async () => x);\nexport async function POST() {}\nconst DELETE = 1;\nexport { DELETE, helper };\nexport const dynamic = "force-dynamic";`;
    expect(exportedMethodsOf(source)).toEqual(["GET", "POST", "DELETE"]);
  });

  it("finds the app's routes and pages, including this project's known ones", () => {
    const routes = listAppRoutes(path.resolve(import.meta.dirname, "../.."));
    const byPath = new Map(routes.map((route) => [`${route.kind} ${route.path}`, route]));
    expect(byPath.get("api /api/flows")?.methods).toEqual(["GET", "POST"]);
    expect(byPath.get("api /api/flows/sample-id/versions/1")?.methods).toEqual(["GET"]);
    expect(byPath.get("api /api/auth/login")?.methods).toEqual(["POST"]);
    expect(byPath.has("page /login")).toBe(true);
    expect(byPath.has("page /")).toBe(true);
    for (const route of routes) expect(route.methods.length).toBeGreaterThan(0);
  });
});
