// Lineage sharing failures as step outcomes: the real engine and dispatcher Worker, real git.
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../db/client";
import { gitSharingFromEnvOrThrow } from "../git/repo-map";
import { commitFiles, createRepo, git, makeTempDir } from "../git/test-repos";
import { createRunOrThrow } from "./create-run";
import { plan } from "./plan";
import { openHarness, type Harness } from "./testing/harness";

let dir: string;
let origin: string;
let clone: string;
let unpublished: string;
let base: string;
let h: Harness;
const unreachable = () => path.join(dir, "gone.git");

beforeAll(async () => {
  dir = await makeTempDir("baton-shared-lineage");
  origin = path.join(dir, "origin.git");
  await git(dir, "init", "-q", "--bare", "-b", "main", origin);
  const { repo: first, commit } = await createRepo(path.join(dir, "first"), { "README.md": "# app\n" });
  base = commit;
  await git(first, "push", "-q", origin, "main");
  unpublished = await commitFiles(first, { "local.txt": "only here\n" }, "never pushed");
  clone = path.join(dir, "clone");
  await git(dir, "clone", "-q", origin, clone);
  // One clone reached under two names: "good" shares lineage through origin, "bad" through
  // a remote that does not exist.
  const map = { good: { path: clone, remote: origin }, bad: { path: clone, remote: unreachable() } };
  h = await openHarness("postgres", { git: gitSharingFromEnvOrThrow({ BATON_REPO_MAP: JSON.stringify(map), BATON_GIT_REMOTE_ATTEMPTS: "2" }) });
});
afterAll(async () => {
  await h?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function startRun(repo: string, baseCommit: string, retries = 0): Promise<string> {
  const document = flow(retries);
  const flowId = await h.createFlow(document);
  // Created directly: named runs' steps would require a repo:<name> tag the test's worker lacks.
  return (await createRunOrThrow(h.db.orm, { flowId, flowVersion: 1, plan: plan(document as never, {}), repo, baseCommit, origin: "api" })).runId;
}

const flow = (retries = 0) => ({
  name: "one code step",
  inputs: [],
  nodes: [{ id: "build", kind: "agent", config: { profile: "demo", prompt: "change something", workspace: "code", retries } }],
  edges: [],
});

async function attempts(runId: string) {
  return rows<{ attempt: number; state: string; error: string; retryable: boolean | null; result: string | null }>(
    h.db.orm,
    sql`select a.attempt, a.state, a.error, (a.detail->>'retryable')::boolean as retryable,
               coalesce(a.result_commit, a.detail->>'resultCommit') as result
        from step_attempts a where a.run_id = ${runId} order by a.attempt`,
  );
}

describe("lineage remote failures", { timeout: 120_000 }, () => {
  it("a result that cannot be pushed fails the step retryably, naming the push, the remote and the tries", async () => {
    const runId = await startRun("bad", base);
    expect((await h.drain(runId)).status).toBe("failed");
    const tried = await attempts(runId);
    expect(tried).toHaveLength(1);
    const [a] = tried;
    expect(a).toMatchObject({ state: "failed", retryable: true });
    expect(a.error).toMatch(
      new RegExp(`^publishing the result commit failed: pushing ${a.result!.slice(0, 12)} as refs/baton/${runId}/build-1, ${base.slice(0, 12)} as refs/baton/${runId}/base to ${unreachable()} failed after 2 tries \\(each bounded by 60 s\\): `),
    );
    // The work is still committed locally, on the attempt's own ref.
    expect(await git(clone, "cat-file", "-t", a.result!)).toBe("commit");
  });

  it("a start commit neither in the clone nor on the remote fails the step without a retry, naming both", async () => {
    const runId = await startRun("good", unpublished, 1);
    expect((await h.drain(runId)).status).toBe("failed");
    const [only, ...more] = await attempts(runId);
    expect(more).toEqual([]);
    expect(only).toMatchObject({ state: "failed", retryable: false });
    expect(only.error).toBe(
      `cannot prepare the worktree: commit ${unpublished.slice(0, 12)} is neither in ${clone} nor reachable on the lineage remote ${origin} (under refs/baton/${runId}/* or any other ref)`,
    );
  });
});
