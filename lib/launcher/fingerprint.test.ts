import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildIsCurrent, recordBuild } from "./build";
import { BUILD_INPUTS, NOT_BUILD_INPUTS, buildFingerprint, buildInputFiles } from "./fingerprint";

const repo = path.resolve(import.meta.dirname, "../..");
const temps: string[] = [];
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-fingerprint-"));
  temps.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("build fingerprint", () => {
  it("classifies every top-level entry of the repository as a build input or not", () => {
    const tracked = execFileSync("git", ["ls-files"], { cwd: repo, encoding: "utf8" }).split("\n").filter(Boolean);
    const topLevel = [...new Set(tracked.map((f) => f.split("/")[0]))];
    const known = new Set<string>([...BUILD_INPUTS, ...NOT_BUILD_INPUTS]);
    // A new top-level file or directory must be added to one list (fingerprint.ts says why).
    expect(topLevel.filter((name) => !known.has(name))).toEqual([]);
  });

  it("changes with a source, a rename, the lockfile or a NEXT_PUBLIC_ variable — not with tests, docs or data", async () => {
    const dir = project({
      "app/page.tsx": "export default 1",
      "lib/a.ts": "a",
      "lib/a.test.ts": "test",
      "package-lock.json": "{}",
      "README.md": "docs",
      ".baton/pgdata/x": "data",
    });
    const base = await buildFingerprint(dir, {});
    expect(await buildInputFiles(dir)).toEqual(["app/page.tsx", "lib/a.ts", "package-lock.json"]);
    expect(await buildFingerprint(dir, { BATON_PORT: "1" })).toBe(base);

    fs.writeFileSync(path.join(dir, "lib/a.test.ts"), "other test");
    fs.writeFileSync(path.join(dir, "README.md"), "other docs");
    fs.writeFileSync(path.join(dir, ".baton/pgdata/x"), "other data");
    expect(await buildFingerprint(dir, {})).toBe(base);

    expect(await buildFingerprint(dir, { NEXT_PUBLIC_X: "1" })).not.toBe(base);
    fs.writeFileSync(path.join(dir, "lib/a.ts"), "b");
    const edited = await buildFingerprint(dir, {});
    expect(edited).not.toBe(base);
    fs.renameSync(path.join(dir, "lib/a.ts"), path.join(dir, "lib/b.ts"));
    expect(await buildFingerprint(dir, {})).not.toBe(edited);
    fs.writeFileSync(path.join(dir, "package-lock.json"), '{"v":2}');
    expect(await buildFingerprint(dir, {})).not.toBe(edited);
  });

  it("a build is current only when complete and made from the same fingerprint", async () => {
    const dist = project({});
    expect(await buildIsCurrent(dist, "f1")).toBe(false);
    await recordBuild(dist, "f1");
    // No BUILD_ID: Next never finished writing this build.
    expect(await buildIsCurrent(dist, "f1")).toBe(false);
    fs.writeFileSync(path.join(dist, "BUILD_ID"), "x");
    expect(await buildIsCurrent(dist, "f1")).toBe(true);
    expect(await buildIsCurrent(dist, "f2")).toBe(false);
  });
});
