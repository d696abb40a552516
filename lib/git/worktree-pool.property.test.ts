/**
 * The pool's promise, as a property: whatever the previous users of a pooled worktree did
 * (edits, adds, deletes, renames, mode changes, untracked and ignored files, a file where a
 * directory was, committed or left dirty), the worktree handed to the next step is a fresh
 * checkout of its start commit: the files equal `git archive <start>` byte for byte (and
 * mode for mode), `git status --porcelain --ignored` is empty, HEAD is detached at the start
 * commit — except, under `keep-ignored`, the ignored files survive.
 */
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitWorktreeOrThrow } from "./commit-worktree";
import { prepareWorktreeOrThrow } from "./prepare-worktree";
import { createRepo, git, makeTempDir } from "./test-repos";
import { poolDirOf, returnWorktreeToPool, type WorktreePolicy } from "./worktree-pool";

const run = promisify(execFile);
let tmp: string;
let repo: string;
let base: string;

const INITIAL: Record<string, string> = {
  ".gitignore": "*.log\ncache/\n",
  "README.md": "# pool\n",
  "src/a.ts": "export const a = 1;\n",
  "src/b.ts": "export const b = 2;\n",
  "src/deep/c.ts": "export const c = 3;\n",
  "docs/guide.md": "guide\n",
  "run.sh": "#!/bin/sh\necho hi\n",
};

beforeAll(async () => {
  tmp = await makeTempDir("baton-pool-prop");
  ({ repo, commit: base } = await createRepo(path.join(tmp, "repo"), INITIAL));
  await fs.chmod(path.join(repo, "run.sh"), 0o755);
  await git(repo, "add", "-A");
  await git(repo, "commit", "-q", "-m", "exec bit");
  base = await git(repo, "rev-parse", "HEAD");
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

type Op =
  | { kind: "edit" | "add"; file: number; text: string }
  | { kind: "delete" | "chmod"; file: number }
  | { kind: "rename"; file: number; to: number }
  | { kind: "untracked"; text: string }
  | { kind: "ignored"; where: "log" | "cache"; text: string }
  | { kind: "dir-for-file"; file: number };

const NAMES = ["src/a.ts", "src/b.ts", "src/deep/c.ts", "docs/guide.md", "run.sh", "README.md", "new/one.txt", "src/two.txt", "docs/x/three.md"];
const text = fc.string({ maxLength: 12 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom("edit" as const, "add" as const), file: fc.nat(NAMES.length - 1), text }),
  fc.record({ kind: fc.constantFrom("delete" as const, "chmod" as const), file: fc.nat(NAMES.length - 1) }),
  fc.record({ kind: fc.constant("rename" as const), file: fc.nat(NAMES.length - 1), to: fc.nat(NAMES.length - 1) }),
  fc.record({ kind: fc.constant("untracked" as const), text }),
  fc.record({ kind: fc.constant("ignored" as const), where: fc.constantFrom("log" as const, "cache" as const), text }),
  fc.record({ kind: fc.constant("dir-for-file" as const), file: fc.nat(NAMES.length - 1) }),
);
const step = fc.record({
  /** Which known commit the step starts from (modulo how many there are). */
  start: fc.nat(20),
  ops: fc.array(op, { maxLength: 6 }),
  /** Commit what it did (a finished step) or leave it dirty (a crashed one). */
  commit: fc.boolean(),
});

async function exists(target: string): Promise<boolean> {
  return fs.lstat(target).then(
    () => true,
    () => false,
  );
}

async function apply(dir: string, o: Op, serial: number): Promise<void> {
  const at = (i: number) => path.join(dir, NAMES[i]);
  switch (o.kind) {
    case "edit":
    case "add": {
      const target = at(o.file);
      if ((await fs.lstat(target).catch(() => null))?.isDirectory()) return;
      await fs.mkdir(path.dirname(target), { recursive: true }).catch(() => {});
      await fs.writeFile(target, o.kind === "edit" ? `${o.text}\n` : o.text).catch(() => {});
      return;
    }
    case "delete":
      await fs.rm(at(o.file), { recursive: true, force: true });
      return;
    case "chmod": {
      const stat = await fs.lstat(at(o.file)).catch(() => null);
      if (stat?.isFile()) await fs.chmod(at(o.file), (stat.mode & 0o111) === 0 ? 0o755 : 0o644);
      return;
    }
    case "rename":
      if (o.file !== o.to && (await exists(at(o.file))) && !(await exists(at(o.to)))) {
        await fs.mkdir(path.dirname(at(o.to)), { recursive: true }).catch(() => {});
        await fs.rename(at(o.file), at(o.to)).catch(() => {});
      }
      return;
    case "untracked":
      await fs.mkdir(path.join(dir, "scratch"), { recursive: true });
      await fs.writeFile(path.join(dir, "scratch", `u${serial}.txt`), o.text);
      return;
    case "ignored":
      if (o.where === "log") await fs.writeFile(path.join(dir, `debug${serial}.log`), o.text);
      else {
        await fs.mkdir(path.join(dir, "cache", "deep"), { recursive: true });
        await fs.writeFile(path.join(dir, "cache", "deep", `c${serial}.bin`), o.text);
      }
      return;
    case "dir-for-file":
      await fs.rm(at(o.file), { recursive: true, force: true });
      await fs.mkdir(path.join(at(o.file), "inside"), { recursive: true });
      await fs.writeFile(path.join(at(o.file), "inside", "f.txt"), "x");
      return;
  }
}

/** Every file under `dir` (minus `.git`) with its content and whether it is executable. */
async function snapshot(dir: string, skip: (rel: string) => boolean = () => false): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(rel: string): Promise<void> {
    for (const entry of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (child === ".git" || skip(child)) continue;
      if (entry.isDirectory()) await walk(child);
      else {
        const full = path.join(dir, child);
        const mode = (await fs.lstat(full)).mode & 0o111 ? "x" : "-";
        out.set(child, `${mode}:${(await fs.readFile(full)).toString("base64")}`);
      }
    }
  }
  await walk("");
  return out;
}

async function archiveOf(commit: string, into: string): Promise<Map<string, string>> {
  await fs.mkdir(into, { recursive: true });
  const tar = path.join(into, "..", `${path.basename(into)}.tar`);
  await run("git", ["-C", repo, "archive", "--format=tar", "-o", tar, commit]);
  await run("tar", ["-xf", tar, "-C", into]);
  return snapshot(into);
}

const isIgnoredPath = (rel: string) => rel.endsWith(".log") || rel === "cache" || rel.startsWith("cache/");

describe.each<WorktreePolicy>(["clean", "keep-ignored"])("pooled worktrees under policy %s", (policy) => {
  it("hand out a fresh checkout of the start commit, whatever the previous users did", async () => {
    let sequence = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 4 }), async (steps) => {
        const id = `${policy}-${sequence++}`;
        const root = path.join(tmp, `root-${id}`);
        const commits = [base];
        let serial = 0;
        for (let i = 0; i < steps.length; i++) {
          const s = steps[i];
          const start = commits[s.start % commits.length];
          const prepared = await prepareWorktreeOrThrow({
            repo,
            root,
            runId: `run_${id.replace(/[^a-z0-9]/g, "")}`,
            nodeKey: `s${i}`,
            attempt: 0,
            start: { commit: start },
            pool: { policy, limits: { size: 2, idleMs: 60_000 } },
          });
          expect(prepared.origin).toBe(i === 0 ? "added" : "pool");
          // The hand-out equals a fresh checkout of the start commit.
          const expected = await archiveOf(start, path.join(tmp, `archive-${id}-${i}`));
          const actual = await snapshot(prepared.path, policy === "keep-ignored" ? isIgnoredPath : undefined);
          expect(actual).toEqual(expected);
          const status = (await git(prepared.path, "status", "--porcelain", "--ignored", "--untracked-files=all")).split("\n").filter(Boolean);
          const unexpected = status.filter((line) => !(policy === "keep-ignored" && line.startsWith("!! ") && isIgnoredPath(line.slice(3))));
          expect(unexpected).toEqual([]);
          if (policy === "clean") expect(status).toEqual([]);
          expect(await git(prepared.path, "rev-parse", "HEAD")).toBe(start);
          const symbolic = await run("git", ["-C", prepared.path, "symbolic-ref", "-q", "HEAD"]).then(
            () => 0,
            (e: { code: number }) => e.code,
          );
          expect(symbolic).toBe(1);

          for (const o of s.ops) await apply(prepared.path, o, serial++);
          if (s.commit) {
            const result = await commitWorktreeOrThrow(prepared.path, `step ${i}`, prepared.startCommit, { ref: prepared.ref });
            if (!commits.includes(result.resultCommit)) commits.push(result.resultCommit);
          }
          expect(await returnWorktreeToPool(root, repo, prepared.path, { size: 2, idleMs: 60_000 })).toBe(true);
        }
        // Nothing but pool entries is left; the run's directory is empty.
        expect((await fs.readdir(await poolDirOf(root, repo))).length).toBe(1);
      }),
      { numRuns: 6, seed: policy === "clean" ? 1 : 2, endOnFailure: true },
    );
  }, 240_000);
});
