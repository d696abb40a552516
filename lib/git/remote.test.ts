// Lineage through a git remote, on real repositories: a bare "origin" and two clones.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitError } from "./errors";
import {
  ensureCommitsOrThrow,
  lineageAttemptRef,
  lineageBaseRef,
  missingCommits,
  publishCommitsOrThrow,
  type LineageLink,
} from "./remote";
import { commitFiles, createRepo, git, makeTempDir } from "./test-repos";

let dir: string;
let origin: string;
let a: string;
let base: string;

const link = (repo: string, extra: Partial<LineageLink> = {}): LineageLink => ({ repo, remote: origin, timeoutMs: 20_000, attempts: 2, backoffMs: 10, ...extra });
const clone = async (name: string) => {
  const target = path.join(dir, name);
  await git(dir, "clone", "-q", origin, target);
  return target;
};
const refsIn = async (repo: string) => (await git(repo, "for-each-ref", "--format=%(refname)")).split("\n").filter(Boolean).sort();

beforeAll(async () => {
  dir = await makeTempDir("baton-remote");
  origin = path.join(dir, "origin.git");
  await git(dir, "init", "-q", "--bare", origin);
  ({ repo: a, commit: base } = await createRepo(path.join(dir, "a"), { "README.md": "# app\n" }));
  await git(a, "push", "-q", origin, "main");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("publish and ensure through a bare remote", () => {
  it("a result published by one clone is fetched by id into another, writing no ref there; the remote's branches are untouched", async () => {
    const b = await clone("b1");
    const first = await commitFiles(a, { "one.txt": "1\n" }, "one");
    const second = await commitFiles(a, { "two.txt": "2\n" }, "two");
    await publishCommitsOrThrow(link(a), [
      { ref: lineageAttemptRef("run1", "build", 1), commit: second },
      { ref: lineageBaseRef("run1"), commit: base },
    ]);
    expect(await refsIn(origin)).toEqual(["refs/baton/run1/base", "refs/baton/run1/build-1", "refs/heads/main"]);
    expect(await git(origin, "rev-parse", "refs/baton/run1/build-1")).toBe(second);

    const before = await refsIn(b);
    expect(await missingCommits(b, [base, first, second])).toEqual([first, second]);
    // `first` is not a tip: it comes along as an ancestor of what is fetched.
    expect(await ensureCommitsOrThrow(link(b), "run1", [second, base])).toEqual([second]);
    expect(await missingCommits(b, [first, second])).toEqual([]);
    expect(await refsIn(b)).toEqual(before);
    expect(fs.existsSync(path.join(b, ".git", "FETCH_HEAD"))).toBe(false);
    // Nothing missing: no network at all (an unreachable remote does not matter).
    expect(await ensureCommitsOrThrow(link(b, { remote: path.join(dir, "nowhere.git") }), "run1", [second])).toEqual([]);
  });

  it("a server that refuses unadvertised ids (protocol v0): the run's refs are fetched by name instead", async () => {
    const b = await clone("b2");
    await git(b, "config", "protocol.version", "0");
    const merged = await commitFiles(a, { "three.txt": "3\n" }, "three");
    const top = await commitFiles(a, { "four.txt": "4\n" }, "four");
    await publishCommitsOrThrow(link(a), [{ ref: lineageAttemptRef("run2", "fold", 1), commit: top }]);
    const before = await refsIn(b);
    expect(await ensureCommitsOrThrow(link(b), "run2", [merged])).toEqual([merged]);
    expect(await missingCommits(b, [merged, top])).toEqual([]);
    expect(await refsIn(b)).toEqual(before);
  });

  it("a commit the remote does not have is named, with the remote", async () => {
    const b = await clone("b3");
    const unpublished = await commitFiles(a, { "five.txt": "5\n" }, "five");
    const error = await ensureCommitsOrThrow(link(b), "run3", [unpublished]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({ code: "commit_not_found" });
    expect((error as Error).message).toContain(`commit ${unpublished.slice(0, 12)} is neither in ${b} nor reachable on the lineage remote ${origin}`);
  });

  it("an unreachable remote: tried `attempts` times, then a remote_failed error naming the operation, the remote and git's words", async () => {
    const gone = path.join(dir, "missing.git");
    const error = await publishCommitsOrThrow(link(a, { remote: gone, attempts: 3 }), [{ ref: lineageAttemptRef("run4", "x", 1), commit: base }]).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "remote_failed" });
    expect((error as Error).message).toMatch(new RegExp(`^pushing ${base.slice(0, 12)} as refs/baton/run4/x-1 to ${gone} failed after 3 tries \\(each bounded by 20 s\\): .*does not appear to be a git repository`));
  });

  it("a remote that hangs: each try is killed at the timeout, and the tries are counted", async () => {
    const b = await clone("b5");
    const log = path.join(dir, "ssh-tries.log");
    const script = path.join(dir, "hanging-ssh.sh");
    fs.writeFileSync(script, `echo try >> '${log}'\nexec sleep 3\n`);
    await git(b, "config", "core.sshCommand", `sh ${script}`);
    const missing = await commitFiles(a, { "six.txt": "6\n" }, "six");
    const error = await ensureCommitsOrThrow(link(b, { remote: "ssh://git@lineage.invalid/app.git", timeoutMs: 400, attempts: 2 }), "run5", [missing]).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "remote_failed" });
    expect((error as Error).message).toMatch(/^fetching [0-9a-f]{12} from ssh:\/\/git@lineage.invalid\/app.git failed after 2 tries \(each bounded by 0.4 s\): git .*timed out after 400 ms/);
    expect(fs.readFileSync(log, "utf8")).toBe("try\ntry\n");
  });

  it("refuses a non-Baton ref or a short id before running git", async () => {
    await expect(publishCommitsOrThrow(link(a), [{ ref: "refs/heads/main", commit: base }])).rejects.toMatchObject({ code: "invalid_argument" });
    await expect(ensureCommitsOrThrow(link(a), "r", ["HEAD"])).rejects.toMatchObject({ code: "invalid_argument" });
  });
});
