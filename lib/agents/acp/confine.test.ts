import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { confinedPathOrThrow, isInside, PathEscapeError } from "./confine";
import { sliceLines } from "./client-app";

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "baton-confine-")));
const root = path.join(base, "wt");
fs.mkdirSync(path.join(root, "src"), { recursive: true });
fs.writeFileSync(path.join(root, "src/a.txt"), "a");
fs.mkdirSync(path.join(base, "outside"));
fs.symlinkSync(path.join(base, "outside"), path.join(root, "link-out"));
fs.symlinkSync(path.join(root, "src"), path.join(root, "link-in"));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe("isInside", () => {
  test("root and children are inside; siblings with a common prefix are not", () => {
    expect(isInside("/a/wt", "/a/wt")).toBe(true);
    expect(isInside("/a/wt", "/a/wt/x/y")).toBe(true);
    expect(isInside("/a/wt", "/a/wt2/x")).toBe(false);
    expect(isInside("/a/wt", "/a")).toBe(false);
  });
});

describe("confinedPathOrThrow", () => {
  test("allows existing and new files inside, relative or absolute", async () => {
    expect(await confinedPathOrThrow(root, "src/a.txt")).toBe(path.join(root, "src/a.txt"));
    expect(await confinedPathOrThrow(root, path.join(root, "new/deep/file.ts"))).toBe(path.join(root, "new/deep/file.ts"));
    expect(await confinedPathOrThrow(root, "link-in/a.txt")).toBe(path.join(root, "src/a.txt"));
  });

  test("refuses .., absolute paths elsewhere, and symlink escapes (existing or new files)", async () => {
    for (const bad of ["../outside/x", "/etc/passwd", "src/../../outside/x", "link-out/new.txt", path.join(root, "link-out")]) {
      await expect(confinedPathOrThrow(root, bad)).rejects.toBeInstanceOf(PathEscapeError);
    }
  });

  test("refuses empty paths and NUL bytes", async () => {
    await expect(confinedPathOrThrow(root, "")).rejects.toBeInstanceOf(PathEscapeError);
    await expect(confinedPathOrThrow(root, "a\0b")).rejects.toBeInstanceOf(PathEscapeError);
  });
});

describe("sliceLines", () => {
  test("1-based line and limit", () => {
    expect(sliceLines("a\nb\nc\nd", 2, 2)).toBe("b\nc");
    expect(sliceLines("a\nb\nc", null, 1)).toBe("a");
    expect(sliceLines("a\nb\nc", 3)).toBe("c");
    expect(sliceLines("a\nb")).toBe("a\nb");
  });
});
