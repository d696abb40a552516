/**
 * The build fingerprint: one hash over everything `next build` reads, so `npm start` rebuilds
 * only when the app's sources, its config or its dependencies changed.
 *
 * Invariants:
 * - Every top-level entry of the repository is either a build input (BUILD_INPUTS) or known
 *   not to be one (NOT_BUILD_INPUTS); fingerprint.test.ts fails when a new one is neither, so
 *   a new source directory can't be silently left out of the hash (a stale build served).
 * - Contents are hashed, not mtimes: a checkout of another branch and back, or a fresh clone,
 *   gives the same fingerprint for the same sources.
 * - Tests (`*.test.ts[x]`) are not inputs: editing one doesn't cost a rebuild.
 * - NEXT_PUBLIC_* variables are inlined into the client bundle at build time, so their values
 *   are inputs too.
 */
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

/** What `next build` reads: the app's code, static files, and the config and lockfile that shape the build. */
export const BUILD_INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "instrumentation.ts",
  "proxy.ts",
  "next.config.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "package.json",
  "package-lock.json",
] as const;

/** Top-level entries the production build never reads (tests, benches, docs, scripts, tooling, migrations read at run time). */
export const NOT_BUILD_INPUTS = [
  ".ci",
  ".gitignore",
  "README.md",
  "bench",
  "docs",
  "drizzle",
  "drizzle.config.ts",
  "e2e",
  "playwright.config.ts",
  "scripts",
  "vitest.config.ts",
] as const;

const isTestFile = (name: string) => /\.test\.tsx?$/.test(name);

async function filesUnder(root: string, relative: string): Promise<string[]> {
  let stat;
  try {
    stat = await fs.stat(path.join(root, relative));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  if (stat.isFile()) return [relative];
  const out: string[] = [];
  for (const entry of await fs.readdir(path.join(root, relative), { withFileTypes: true })) {
    const child = path.posix.join(relative, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(root, child)));
    else if (entry.isFile() && !isTestFile(entry.name)) out.push(child);
  }
  return out;
}

/** The sorted list of files the fingerprint covers, relative to `root` with `/` separators. */
export async function buildInputFiles(root: string): Promise<string[]> {
  const files = (await Promise.all(BUILD_INPUTS.map((input) => filesUnder(root, input)))).flat();
  return files.sort();
}

/**
 * sha256 over (path, content hash) of every input file, then the NEXT_PUBLIC_* variables.
 * Paths are part of the hash so a rename is a change.
 */
export async function buildFingerprint(root: string, env: Record<string, string | undefined>): Promise<string> {
  const hash = createHash("sha256");
  for (const file of await buildInputFiles(root)) {
    const content = await fs.readFile(path.join(root, file));
    hash.update(`${file}\0${createHash("sha256").update(content).digest("hex")}\n`);
  }
  for (const name of Object.keys(env).filter((n) => n.startsWith("NEXT_PUBLIC_")).sort()) {
    hash.update(`env ${name}=${env[name] ?? ""}\n`);
  }
  return hash.digest("hex");
}
