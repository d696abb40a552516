import { describe, expect, it } from "vitest";
import { anchorComments, HUNK_WINDOW, promptWithReview, renderReview } from "./render-review";

const lines = Array.from({ length: 40 }, (_, i) => `+line ${i + 1}`).join("\n");
const DIFF = [
  "diff --git a/src/a.ts b/src/a.ts",
  "--- a/src/a.ts",
  "+++ b/src/a.ts",
  "@@ -10,3 +10,3 @@ function f()",
  " keep",
  "-old",
  "+new",
  " tail",
  "diff --git a/big.txt b/big.txt",
  "new file mode 100644",
  "--- /dev/null",
  "+++ b/big.txt",
  "@@ -0,0 +1,40 @@",
  lines,
  "",
].join("\n");

describe("anchorComments", () => {
  it("quotes the hunk around a commented line, cut to a window; a whole-file comment or a line outside every hunk quotes nothing", () => {
    const [changed, windowed, file, outside] = anchorComments(DIFF, [
      { path: "src/a.ts", line: 11, body: "why?" },
      { path: "big.txt", line: 20, body: "too long" },
      { path: "big.txt", body: "split it" },
      { path: "src/a.ts", line: 99, body: "far away" },
    ]);
    expect(changed.hunk).toBe("@@ -10,3 +10,3 @@ function f()\n keep\n-old\n+new\n tail");
    const quoted = windowed.hunk!.split("\n");
    expect(quoted[0]).toBe("@@ -0,0 +1,40 @@");
    expect(quoted[1]).toBe("…");
    expect(quoted).toContain("+line 20");
    expect(quoted.filter((l) => l.startsWith("+"))).toHaveLength(2 * HUNK_WINDOW + 1);
    expect(quoted.at(-1)).toBe("…");
    expect(file.hunk).toBeNull();
    expect(outside.hunk).toBeNull();
  });
});

describe("renderReview", () => {
  it("lists every comment with its place, the hunk and the text; the full prompt puts the task first", () => {
    const review = { round: 2, reviewedAttempt: 3, summary: "close", comments: anchorComments(DIFF, [{ path: "src/a.ts", line: 11, body: "Keep the old name.\nIt is public." }, { path: "big.txt", body: "Split it." }]) };
    const text = renderReview(review);
    expect(text).toContain("Review round 2:");
    expect(text).toContain("Reviewer's note: close");
    expect(text).toContain("1. src/a.ts, line 11\n```diff\n@@ -10,3 +10,3 @@ function f()\n keep\n-old\n+new\n tail\n```\n> Keep the old name.\n> It is public.");
    expect(text).toContain("2. big.txt (whole file)\n> Split it.");
    expect(promptWithReview("Do the task.", review)).toBe(`Do the task.\n\n---\n\n${text}`);
  });
});
