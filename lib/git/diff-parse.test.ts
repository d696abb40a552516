import { describe, expect, it } from "vitest";
import { parseRawNumstat, sumStats, truncationNotice } from "./diff-parse";

// Recorded from `git diff-tree -r -M -z --raw --numstat` (git 2.39) for a rename, an edit,
// a binary add and a text add.
const RECORDED = [
  ":100644 100644 78981922613b2afb6025042ff6bd878ac1994e85 78981922613b2afb6025042ff6bd878ac1994e85 R100",
  "a",
  "a2",
  ":100644 100644 61780798228d17af2d34fce4cfbdf35556832472 2997ea2ce3a0fd2b94449bd566448145e26e71b0 M",
  "b",
  ":000000 100644 0000000000000000000000000000000000000000 bdc955b7b2e610ad5a72302b139a2e6cb325519a A",
  "bin",
  ":000000 100644 0000000000000000000000000000000000000000 f2ad6c76f0115a6ba5b00456a849810e7ec0af20 A",
  "c",
  "0\t0\t",
  "a",
  "a2",
  "1\t0\tb",
  "-\t-\tbin",
  "1\t0\tc",
  "",
].join("\0");

describe("parseRawNumstat", () => {
  it("pairs raw statuses with line counts, renames and binaries included", () => {
    const files = parseRawNumstat(RECORDED);
    expect(files).toEqual([
      { path: "a2", oldPath: "a", status: "renamed", additions: 0, deletions: 0, binary: false },
      { path: "b", status: "modified", additions: 1, deletions: 0, binary: false },
      { path: "bin", status: "added", additions: 0, deletions: 0, binary: true },
      { path: "c", status: "added", additions: 1, deletions: 0, binary: false },
    ]);
    expect(sumStats(files)).toEqual({ files: 4, additions: 2, deletions: 0 });
  });

  it("keeps paths with spaces, tabs and non-ASCII characters whole", () => {
    const output = [
      ":100644 000000 1111111111111111111111111111111111111111 0000000000000000000000000000000000000000 D",
      "dir/with space\tand tab.txt",
      ":100644 100644 1111111111111111111111111111111111111111 2222222222222222222222222222222222222222 T",
      "héllo.md",
      "0\t3\tdir/with space\tand tab.txt",
      "2\t2\théllo.md",
      "",
    ].join("\0");
    expect(parseRawNumstat(output)).toEqual([
      { path: "dir/with space\tand tab.txt", status: "deleted", additions: 0, deletions: 3, binary: false },
      { path: "héllo.md", status: "type-changed", additions: 2, deletions: 2, binary: false },
    ]);
  });

  it("parses empty output as no files", () => {
    expect(parseRawNumstat("")).toEqual([]);
    expect(sumStats([])).toEqual({ files: 0, additions: 0, deletions: 0 });
  });
});

describe("truncationNotice", () => {
  it("cuts at the last complete line and names kept and total sizes", () => {
    expect(truncationNotice("line 1\nline 2\npart", 100)).toBe(
      "line 1\nline 2\n[baton: diff truncated, showing 14 of 100 bytes; the file list and stats cover every change]\n",
    );
    expect(truncationNotice("no newline at all", 50)).toBe(
      "[baton: diff truncated, showing 0 of 50 bytes; the file list and stats cover every change]\n",
    );
  });
});
