/**
 * Ref names and worktree paths for step attempts: `refs/baton/<run>/<key>-<attempt>` and
 * `<root>/<run>/<key>-<attempt>`. Pure.
 *
 * Attempt refs live in a namespace of Baton's own, as forges keep `refs/pull/…`: every
 * attempt's result stays reachable (gc keeps it, `git log refs/baton/<run>/…` shows it) while
 * the user's `git branch` list stays as it was. A branch is made only on request
 * (checkoutResultBranchOrThrow).
 *
 * Step keys are node ids (`[A-Za-z][A-Za-z0-9_-]*`) or `<node>#<i>` for arena contestants.
 * `#` becomes `.`, which node ids can't contain, so `arena#1` and a node named `arena-1` never
 * share a branch. Any other character outside `[A-Za-z0-9_-]` becomes `-` and a short hash of
 * the original is appended, so distinct keys still get distinct names. The result is a single
 * path segment and a valid ref component (`git check-ref-format`): no `/`, no `..`, no leading
 * `.` or `-`, no `.lock` ending, no control characters.
 */
import crypto from "node:crypto";
import path from "node:path";

const PLAIN = /^[A-Za-z0-9_-]$/;
const MAX_SEGMENT = 80;

export function refSegment(value: string): string {
  let lossy = false;
  let out = "";
  for (const char of value) {
    if (PLAIN.test(char)) out += char;
    else if (char === "#") out += ".";
    else {
      out += "-";
      lossy = true;
    }
  }
  // `.` only ever comes from `#`. Any fix-up needed to keep the component valid loses
  // information, so it is paid for with the hash like any other lossy mapping.
  const fixed = out
    .replace(/\.{2,}/g, "-")
    .replace(/^[.-]+/, "")
    .replace(/\.$/, "-")
    .replace(/\.lock$/, "-lock")
    .slice(0, MAX_SEGMENT);
  if (fixed !== out) lossy = true;
  out = fixed;
  if (lossy || out === "") {
    const hash = crypto.createHash("sha1").update(value).digest("hex").slice(0, 8);
    out = out === "" ? hash : `${out}-${hash}`;
  }
  return out;
}

/** The namespace holding every run's attempt refs. */
export const ATTEMPT_REF_NAMESPACE = "refs/baton/";

/** `refs/baton/<run>/`: the prefix of every attempt ref of a run. */
export function runRefPrefix(runId: string): string {
  return `${ATTEMPT_REF_NAMESPACE}${refSegment(runId)}/`;
}

/** `refs/baton/<run>/<key>-<attempt>` */
export function attemptRefName(runId: string, nodeKey: string, attempt: number): string {
  return `${runRefPrefix(runId)}${refSegment(nodeKey)}-${attempt}`;
}

/** Where step worktrees live under the data dir: the `root` of prepare and cleanup. */
export function worktreesRoot(dataDir: string): string {
  return path.join(path.resolve(dataDir), "worktrees");
}

/** The directory holding every worktree of a run. */
export function runWorktreesDir(root: string, runId: string): string {
  return path.join(root, refSegment(runId));
}

/** `<root>/<run>/<key>-<attempt>` */
export function attemptWorktreePath(root: string, runId: string, nodeKey: string, attempt: number): string {
  return path.join(runWorktreesDir(root, runId), `${refSegment(nodeKey)}-${attempt}`);
}
