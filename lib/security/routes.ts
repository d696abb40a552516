/**
 * Every route the app serves, derived from the app directory itself, so a security test
 * written today also covers a route added tomorrow. Dynamic segments get sample values.
 */
import fs from "node:fs";
import path from "node:path";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface AppRoute {
  kind: "api" | "page";
  /** The file, relative to the project root. */
  file: string;
  /** A concrete URL path with sample values in dynamic segments. */
  path: string;
  /** Exported handlers (route.ts) or ["GET"] (page.tsx). */
  methods: HttpMethod[];
}

/** `[id]` → sample-id, `[version]` → 1, `[...slug]`/`[[...slug]]` → a/b; `(group)` vanishes. */
export function urlPathOf(segments: string[]): string {
  const parts: string[] = [];
  for (const segment of segments) {
    if (/^\(.*\)$/.test(segment) || segment.startsWith("@")) continue;
    const dynamic = /^\[{1,2}(\.\.\.)?([^\]]+)\]{1,2}$/.exec(segment);
    if (!dynamic) parts.push(segment);
    else if (dynamic[1]) parts.push("a", "b");
    else parts.push(/version|number|index|attempt/i.test(dynamic[2]) ? "1" : `sample-${dynamic[2].toLowerCase()}`);
  }
  return "/" + parts.join("/");
}

/** Handler names a route module exports, read from its source (no import: modules open databases). */
export function exportedMethodsOf(source: string): HttpMethod[] {
  const found = new Set<HttpMethod>();
  const declaration = /export\s+(?:const|let|async\s+function|function)\s+([A-Z]+)\b/g;
  for (const match of source.matchAll(declaration)) {
    if ((HTTP_METHODS as readonly string[]).includes(match[1])) found.add(match[1] as HttpMethod);
  }
  for (const match of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const item of match[1].split(",")) {
      const name = item.trim().split(/\s+as\s+/).pop()?.trim() ?? "";
      if ((HTTP_METHODS as readonly string[]).includes(name)) found.add(name as HttpMethod);
    }
  }
  return HTTP_METHODS.filter((method) => found.has(method));
}

export function listAppRoutes(projectRoot: string): AppRoute[] {
  const appDir = path.join(projectRoot, "app");
  const routes: AppRoute[] = [];
  for (const entry of fs.readdirSync(appDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/^(route\.ts|page\.tsx)$/.test(entry.name)) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    const segments = path.relative(appDir, entry.parentPath).split(path.sep).filter(Boolean);
    const file = path.relative(projectRoot, absolute);
    if (entry.name === "route.ts") {
      routes.push({ kind: "api", file, path: urlPathOf(segments), methods: exportedMethodsOf(fs.readFileSync(absolute, "utf8")) });
    } else {
      routes.push({ kind: "page", file, path: urlPathOf(segments), methods: ["GET"] });
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.kind.localeCompare(b.kind));
}
