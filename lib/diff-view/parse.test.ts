import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffTotals, displayPath, parseUnifiedDiff, splitRows } from "./parse";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd, encoding: "utf8" });

/** A real `git diff` covering modify, add, delete, rename, binary and a missing final newline. */
let realDiff = "";
let numstat = "";
let dir = "";

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-diff-"));
  git(dir, "init", "-q", "-b", "main");
  fs.writeFileSync(path.join(dir, "a.txt"), "one\ntwo\nthree\nfour\n");
  fs.writeFileSync(path.join(dir, "gone.txt"), "bye\n");
  fs.writeFileSync(path.join(dir, "old-name.txt"), "same content here\nline two\nline three\n");
  fs.writeFileSync(path.join(dir, "image.bin"), Buffer.from([0, 1, 2, 3]));
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "base");
  fs.writeFileSync(path.join(dir, "a.txt"), "one\nTWO\nthree\n-- a line that looks like a header\nfour\nfive");
  fs.rmSync(path.join(dir, "gone.txt"));
  fs.renameSync(path.join(dir, "old-name.txt"), path.join(dir, "new-name.txt"));
  fs.writeFileSync(path.join(dir, "fresh.md"), "# Title\n");
  fs.writeFileSync(path.join(dir, "image.bin"), Buffer.from([0, 9, 9, 9]));
  git(dir, "add", "-A");
  realDiff = git(dir, "diff", "--cached", "-M");
  numstat = git(dir, "diff", "--cached", "-M", "--numstat");
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("parseUnifiedDiff", () => {
  it("reads every file of a real git diff with the counts git reports", () => {
    const files = parseUnifiedDiff(realDiff);
    const byPath = new Map(files.map((f) => [displayPath(f), f]));
    expect([...byPath.keys()].sort()).toEqual(["a.txt", "fresh.md", "gone.txt", "image.bin", "old-name.txt → new-name.txt"]);
    for (const row of numstat.trim().split("\n")) {
      const [added, deleted, name] = row.split("\t");
      const file = files.find((f) => f.newPath === name || f.oldPath === name || name.includes(f.newPath));
      expect(file, name).toBeDefined();
      if (added === "-") expect(file!.binary).toBe(true);
      else expect([file!.additions, file!.deletions], name).toEqual([Number(added), Number(deleted)]);
    }
    expect(byPath.get("fresh.md")!.status).toBe("added");
    expect(byPath.get("gone.txt")!.status).toBe("deleted");
    expect(byPath.get("old-name.txt → new-name.txt")!.status).toBe("renamed");
  });

  it("numbers lines from the hunk header and keeps the no-newline note", () => {
    const a = parseUnifiedDiff(realDiff).find((f) => f.newPath === "a.txt")!;
    const lines = a.hunks.flatMap((h) => h.lines);
    expect(lines.find((l) => l.type === "delete")).toMatchObject({ text: "two", oldNumber: 2, newNumber: null });
    expect(lines.find((l) => l.type === "add")).toMatchObject({ text: "TWO", oldNumber: null, newNumber: 2 });
    expect(lines.find((l) => l.text.startsWith("-- a line"))).toMatchObject({ type: "add", newNumber: 4 });
    expect(lines.some((l) => l.type === "note" && l.text.includes("No newline"))).toBe(true);
  });

  it("returns what it has for a diff cut off mid-hunk, and nothing for empty input", () => {
    const cut = realDiff.slice(0, realDiff.indexOf("TWO") + 3);
    const files = parseUnifiedDiff(cut);
    expect(files.length).toBeGreaterThanOrEqual(1);
    expect(files[files.length - 1].hunks.length).toBe(1);
    expect(parseUnifiedDiff("")).toEqual([]);
  });

  it("parses plain diff -u output without diff --git lines", () => {
    const text = "--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n-old\n+new\n--- a/y.txt\n+++ b/y.txt\n@@ -1,0 +1 @@\n+added\n";
    const files = parseUnifiedDiff(text);
    expect(files.map((f) => [f.newPath, f.additions, f.deletions])).toEqual([
      ["x.txt", 1, 1],
      ["y.txt", 1, 0],
    ]);
    expect(diffTotals(files)).toEqual({ files: 2, additions: 2, deletions: 1 });
  });
});

describe("splitRows", () => {
  it("zips deletions with the additions that follow them, context on both sides", () => {
    const [file] = parseUnifiedDiff("--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n keep\n-a\n-b\n+A\n same\n+tail\n");
    const rows = splitRows(file.hunks[0]);
    expect(rows.map((r) => [r.left?.text ?? null, r.right?.text ?? null])).toEqual([
      ["keep", "keep"],
      ["a", "A"],
      ["b", null],
      ["same", "same"],
      [null, "tail"],
    ]);
  });
});
