/**
 * Parses `git diff-tree -r -M -z --raw --numstat` output into per-file entries. Pure.
 *
 * With -z every field ends in NUL: raw records are `:<modes> <ids> <status>\0<path>\0`
 * (`…R<score>\0<old>\0<new>\0` for renames and copies), then numstat records are
 * `<add>\t<del>\t<path>\0` (`<add>\t<del>\t\0<old>\0<new>\0` for renames), in the same file
 * order. Binary files have `-` counts and count as 0 lines.
 */
export type DiffFileStatus = "added" | "modified" | "deleted" | "renamed" | "copied" | "type-changed";

export interface DiffFile {
  path: string;
  /** Set for renames and copies. */
  oldPath?: string;
  status: DiffFileStatus;
  additions: number;
  deletions: number;
  binary: boolean;
}

export interface DiffStats {
  files: number;
  additions: number;
  deletions: number;
}

const STATUS: Record<string, DiffFileStatus> = {
  A: "added",
  M: "modified",
  D: "deleted",
  R: "renamed",
  C: "copied",
  T: "type-changed",
};

export function parseRawNumstat(output: string): DiffFile[] {
  const tokens = output.split("\0");
  const files: DiffFile[] = [];
  const counts: { path: string; additions: number; deletions: number; binary: boolean }[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i];
    if (token === "") {
      i++;
      continue;
    }
    if (token.startsWith(":")) {
      const letter = token.split(" ").at(-1)?.charAt(0) ?? "";
      const status = STATUS[letter] ?? "modified";
      if (letter === "R" || letter === "C") {
        files.push({ path: tokens[i + 2], oldPath: tokens[i + 1], status, additions: 0, deletions: 0, binary: false });
        i += 3;
      } else {
        files.push({ path: tokens[i + 1], status, additions: 0, deletions: 0, binary: false });
        i += 2;
      }
      continue;
    }
    // Paths may contain tabs: only the first two separate fields.
    const firstTab = token.indexOf("\t");
    const secondTab = token.indexOf("\t", firstTab + 1);
    const added = token.slice(0, firstTab);
    const deleted = token.slice(firstTab + 1, secondTab);
    const inlinePath = token.slice(secondTab + 1);
    const binary = added === "-" || deleted === "-";
    const entry = { additions: binary ? 0 : Number(added), deletions: binary ? 0 : Number(deleted), binary };
    if (inlinePath === "") {
      counts.push({ path: tokens[i + 2], ...entry });
      i += 3;
    } else {
      counts.push({ path: inlinePath, ...entry });
      i += 1;
    }
  }
  const byPath = new Map(counts.map((c) => [c.path, c]));
  return files.map((file) => {
    const count = byPath.get(file.path);
    return count ? { ...file, additions: count.additions, deletions: count.deletions, binary: count.binary } : file;
  });
}

export function sumStats(files: DiffFile[]): DiffStats {
  return {
    files: files.length,
    additions: files.reduce((sum, f) => sum + f.additions, 0),
    deletions: files.reduce((sum, f) => sum + f.deletions, 0),
  };
}

/**
 * Cuts a diff that exceeded the limit at its last complete line and says so in the text
 * itself, so a reader can never mistake a partial diff for the whole one.
 */
export function truncationNotice(keptText: string, totalBytes: number): string {
  const cut = keptText.lastIndexOf("\n");
  const kept = cut >= 0 ? keptText.slice(0, cut + 1) : "";
  const keptBytes = Buffer.byteLength(kept);
  return `${kept}[baton: diff truncated, showing ${keptBytes} of ${totalBytes} bytes; the file list and stats cover every change]\n`;
}
