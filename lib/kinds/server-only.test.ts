/**
 * Executors are server only (they spawn agents and commands, and touch git and the
 * database), and the `server-only` package can't mark them (the worker runs them on plain
 * node, tests under vitest). So this walks the browser side's static imports instead: from
 * the kinds' client registry, no value import may reach an executor or the database client.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const EXTENSIONS = [".ts", ".tsx", "/index.ts", "/index.tsx"];

/** Value imports (not `import type`) and re-exports of a module, as written. */
function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const match of source.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^;]*?from\s+["']([^"']+)["']/gms)) out.push(match[1]);
  for (const match of source.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) out.push(match[1]);
  return out;
}

function resolve(from: string, specifier: string): string | null {
  const base = specifier.startsWith("@/") ? path.join(root, specifier.slice(2)) : specifier.startsWith(".") ? path.resolve(path.dirname(from), specifier) : null;
  if (!base) return null;
  if (fs.existsSync(base) && fs.statSync(base).isFile()) return base;
  for (const ext of EXTENSIONS) if (fs.existsSync(base + ext)) return base + ext;
  return null;
}

function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of importsOf(fs.readFileSync(file, "utf8"))) {
      const next = resolve(file, specifier);
      if (next) queue.push(next);
    }
  }
  return seen;
}

describe("the kinds' client side", () => {
  it("reaches no executor and no database client", () => {
    const files = [...reachable(path.join(root, "lib/kinds/client.ts"))].map((f) => path.relative(root, f));
    expect(files).toContain("lib/kinds/arena/client.tsx");
    const serverOnly = files.filter((f) => /^lib\/kinds\/(.+\/executor|executors)\.ts$/.test(f) || f.startsWith("lib/db/client") || f.startsWith("lib/engine/"));
    expect(serverOnly).toEqual([]);
  });
});
