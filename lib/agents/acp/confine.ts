/**
 * Confines agent file access to the worktree. A path is allowed only if its *real* location
 * (symlinks resolved, `..` collapsed) is the root or below it. For a path that doesn't exist
 * yet (a write creating a file), the nearest existing ancestor is resolved and the missing
 * tail appended, so a symlinked directory can't smuggle a new file outside either.
 */
import fs from "node:fs/promises";
import path from "node:path";

export class PathEscapeError extends Error {
  constructor(
    readonly requested: string,
    reason: string,
  ) {
    super(`refused ${requested}: ${reason}`);
    this.name = "PathEscapeError";
  }
}

/** Pure: is `candidate` (absolute, normalised) the root or inside it? */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** Real path of `target`, resolving the deepest existing ancestor when `target` doesn't exist. */
export async function realPathAllowingMissing(target: string): Promise<string> {
  const missing: string[] = [];
  let current = target;
  for (;;) {
    try {
      const real = await fs.realpath(current);
      return missing.length ? path.join(real, ...missing.reverse()) : real;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      const parent = path.dirname(current);
      if (parent === current) throw error;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * Resolves `requested` (absolute, or relative to the root) to a real path inside `root`, or
 * throws PathEscapeError. `root` must itself be a real path (see `realRoot`).
 */
export async function confinedPathOrThrow(root: string, requested: string): Promise<string> {
  if (typeof requested !== "string" || requested === "" || requested.includes("\0")) {
    throw new PathEscapeError(String(requested), "not a valid path");
  }
  const absolute = path.resolve(root, requested);
  if (!isInside(root, absolute)) throw new PathEscapeError(requested, `outside the worktree ${root}`);
  const real = await realPathAllowingMissing(absolute);
  if (!isInside(root, real)) throw new PathEscapeError(requested, `resolves to ${real}, outside the worktree ${root}`);
  return real;
}

export async function realRoot(root: string): Promise<string> {
  return fs.realpath(root);
}
