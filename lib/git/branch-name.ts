/**
 * Whether a name is one `git check-ref-format --branch` accepts, as a pure function so a
 * request body can be checked at the boundary (zod) without starting git. Returns the reason
 * it is refused, or null. The rules (git-check-ref-format(1)), applied to `refs/heads/<name>`:
 * - no component starts with `.` or ends with `.lock`; no `..`; no `@{`; not `@` alone;
 * - no control characters, space, `~ ^ : ? * [ \`, DEL;
 * - no leading, trailing or doubled `/`; no trailing `.`;
 * - `--branch` also refuses a leading `-`; we also refuse `HEAD` and `@` (git would read them as HEAD).
 * Longer than MAX_BRANCH_NAME characters is refused too (refs are file names on most setups).
 */
export const MAX_BRANCH_NAME = 200;

const FORBIDDEN_CHARACTER = /[\x00-\x20\x7f~^:?*[\\]/;

export function branchNameProblem(name: string): string | null {
  if (name === "") return "must not be empty";
  if (name.length > MAX_BRANCH_NAME) return `must be at most ${MAX_BRANCH_NAME} characters`;
  const bad = FORBIDDEN_CHARACTER.exec(name);
  if (bad) {
    const shown = bad[0] === " " ? "a space" : /[\x00-\x1f\x7f]/.test(bad[0]) ? "a control character" : `"${bad[0]}"`;
    return `must not contain ${shown}`;
  }
  if (name.startsWith("-")) return 'must not start with "-"';
  if (name === "HEAD") return 'must not be "HEAD"';
  if (name === "@") return 'must not be "@"';
  if (name.includes("@{")) return 'must not contain "@{"';
  if (name.includes("..")) return 'must not contain ".."';
  if (name.startsWith("/") || name.endsWith("/") || name.includes("//")) return 'must not start or end with "/" or contain "//"';
  if (name.endsWith(".")) return 'must not end with "."';
  for (const component of name.split("/")) {
    if (component.startsWith(".")) return 'no part between slashes may start with "."';
    if (component.endsWith(".lock")) return 'no part between slashes may end with ".lock"';
  }
  return null;
}
