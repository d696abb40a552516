/**
 * Parses `git diff` unified output into files → hunks → lines, and pairs lines for a
 * side-by-side (split) view. Pure; tolerant of a diff cut off mid-stream (a live diff or a
 * truncated one): whatever parsed so far is returned.
 *
 * Invariants:
 * - Every `+`/`-` line of the input is counted in exactly one file's additions/deletions.
 * - Line numbers: `oldNumber` is set for context and deleted lines, `newNumber` for context
 *   and added lines, counting from the hunk header's starts.
 */

export type DiffLineType = "context" | "add" | "delete" | "note";

export interface DiffLine {
  type: DiffLineType;
  text: string;
  oldNumber: number | null;
  newNumber: number | null;
}

export interface DiffHunk {
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  section: string;
  lines: DiffLine[];
}

export type FileStatus = "added" | "deleted" | "modified" | "renamed";

export interface DiffFile {
  oldPath: string;
  newPath: string;
  status: FileStatus;
  binary: boolean;
  hunks: DiffHunk[];
  additions: number;
  deletions: number;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;
const DIFF_GIT = /^diff --git (?:"?a\/(.+?)"?) (?:"?b\/(.+?)"?)$/;

function stripPrefix(path: string): string {
  if (path === "/dev/null") return path;
  return path.replace(/^"?[ab]\//, "").replace(/"$/, "").replace(/\t.*$/, "");
}

function newFile(oldPath: string, newPath: string): DiffFile {
  return { oldPath, newPath, status: "modified", binary: false, hunks: [], additions: 0, deletions: 0 };
}

export function parseUnifiedDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | null = null;
  let hunk: DiffHunk | null = null;
  let oldLine = 0;
  let newLine = 0;
  const lines = text.split("\n");
  // A trailing newline yields one empty string that is not a diff line.
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();

  for (const line of lines) {
    const git = DIFF_GIT.exec(line);
    if (git) {
      file = newFile(git[1], git[2]);
      files.push(file);
      hunk = null;
      continue;
    }
    if (line.startsWith("--- ") && (!hunk || hunkComplete(hunk, oldLine, newLine))) {
      if (!file || file.hunks.length > 0) {
        // A plain `diff -u` without `diff --git` lines: each `---` starts a file.
        file = newFile("", "");
        files.push(file);
      }
      hunk = null;
      const path = stripPrefix(line.slice(4));
      if (path === "/dev/null") file.status = "added";
      else file.oldPath = path;
      continue;
    }
    if (line.startsWith("+++ ") && file && !hunk) {
      const path = stripPrefix(line.slice(4));
      if (path === "/dev/null") file.status = "deleted";
      else file.newPath = path;
      if (!file.oldPath) file.oldPath = file.newPath;
      continue;
    }
    const header = HUNK_HEADER.exec(line);
    if (header && file) {
      hunk = {
        header: line,
        oldStart: Number(header[1]),
        oldLines: header[2] === undefined ? 1 : Number(header[2]),
        newStart: Number(header[3]),
        newLines: header[4] === undefined ? 1 : Number(header[4]),
        section: header[5] ?? "",
        lines: [],
      };
      oldLine = hunk.oldStart;
      newLine = hunk.newStart;
      file.hunks.push(hunk);
      continue;
    }
    if (!file) continue;
    if (!hunk) {
      if (line.startsWith("new file mode")) file.status = "added";
      else if (line.startsWith("deleted file mode")) file.status = "deleted";
      else if (line.startsWith("rename from ")) {
        file.oldPath = line.slice("rename from ".length);
        file.status = "renamed";
      } else if (line.startsWith("rename to ")) {
        file.newPath = line.slice("rename to ".length);
        file.status = "renamed";
      } else if (line.startsWith("Binary files ") || line === "GIT binary patch") file.binary = true;
      continue;
    }
    const marker = line[0];
    const body = line.slice(1);
    if (marker === "+") {
      hunk.lines.push({ type: "add", text: body, oldNumber: null, newNumber: newLine++ });
      file.additions++;
    } else if (marker === "-") {
      hunk.lines.push({ type: "delete", text: body, oldNumber: oldLine++, newNumber: null });
      file.deletions++;
    } else if (marker === "\\") {
      hunk.lines.push({ type: "note", text: line.slice(2), oldNumber: null, newNumber: null });
    } else if (marker === " " || line === "") {
      hunk.lines.push({ type: "context", text: body, oldNumber: oldLine++, newNumber: newLine++ });
    }
  }
  return files;
}

/** True when the hunk has consumed all the lines its header announced. */
function hunkComplete(hunk: DiffHunk, oldLine: number, newLine: number): boolean {
  return oldLine >= hunk.oldStart + hunk.oldLines && newLine >= hunk.newStart + hunk.newLines;
}

export interface SplitRow {
  left: DiffLine | null;
  right: DiffLine | null;
}

/**
 * Pairs a hunk's lines for a side-by-side view: context on both sides; a run of deletions
 * followed by a run of additions is zipped row by row (the longer run leaves blanks).
 */
export function splitRows(hunk: DiffHunk): SplitRow[] {
  const rows: SplitRow[] = [];
  let deletes: DiffLine[] = [];
  let adds: DiffLine[] = [];
  const flush = () => {
    const n = Math.max(deletes.length, adds.length);
    for (let i = 0; i < n; i++) rows.push({ left: deletes[i] ?? null, right: adds[i] ?? null });
    deletes = [];
    adds = [];
  };
  for (const line of hunk.lines) {
    if (line.type === "delete") {
      if (adds.length > 0) flush();
      deletes.push(line);
    } else if (line.type === "add") {
      adds.push(line);
    } else {
      flush();
      rows.push(line.type === "context" ? { left: line, right: line } : { left: line, right: null });
    }
  }
  flush();
  return rows;
}

export function diffTotals(files: readonly DiffFile[]): { files: number; additions: number; deletions: number } {
  return files.reduce(
    (total, f) => ({ files: total.files + 1, additions: total.additions + f.additions, deletions: total.deletions + f.deletions }),
    { files: 0, additions: 0, deletions: 0 },
  );
}

export const displayPath = (file: DiffFile) =>
  file.status === "renamed" ? `${file.oldPath} → ${file.newPath}` : file.status === "deleted" ? file.oldPath : file.newPath;
