/**
 * What a pooled worktree keeps between steps (worktree-pool.ts). Pure, so the run dialog and
 * the profile settings can offer it:
 * - `clean` (default): a step gets exactly a fresh checkout; ignored files are removed too;
 * - `keep-ignored`: ignored files (build caches: node_modules/, target/, .venv/) survive from
 *   the worktree's previous step, which makes real projects' builds much faster.
 */
export const WORKTREE_POLICIES = ["clean", "keep-ignored"] as const;
export type WorktreePolicy = (typeof WORKTREE_POLICIES)[number];
export const DEFAULT_WORKTREE_POLICY: WorktreePolicy = "clean";

export function isWorktreePolicy(value: unknown): value is WorktreePolicy {
  return typeof value === "string" && (WORKTREE_POLICIES as readonly string[]).includes(value);
}
