// Lineage sharing failures as step outcomes: the real engine and dispatcher Worker, real git.
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../db/client";
import { gitSharingFromEnvOrThrow } from "../git/repo-map";
import { commitFiles, createRepo, git, makeTempDir } from "../git/test-repos";
import { startRunOrThrow } from "../runs/service";
import { createRunOrThrow } from "./create-run";
import { plan } from "./plan";
import { openHarness, type Harness } from "./testing/harness";

let dir: string;
let origin: string;
let clone: string;
let unpublished: string;
const unreachable = () => path.join(dir, "gone.git");

beforeAll(async () => {
  dir = await makeTempDir("baton-shared-lineage");
  origin = path.join(dir, "origin.git");
  await git(dir, "init", "-q", "--bare", "-b", "main", origin);
  const { repo: first } = await createRepo(path.join(dir, "first"), { "README.md": "# app\n" });
  await git(first, "push", "-q", origin, "main");
  unpublished = await commitFiles(first, { "local.txt": "only here\n" }, "never pushed");
  clone = path.join(dir, "clone");
  await git(dir, "clone", "-q", origin, clone);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const flow = (retries = 0) => ({
  name: "one code step",
  inputs: [],
  nodes: [{ id: "build", kind: "agent", config: { profile: "demo", prompt: "change something", workspace: "code", retries } }],
  edges: [],
});

async function attempts(h: Harness, runId: string) {
  return rows<{ attempt: number; state: string; error: string; retryable: boolean | null; result: string | null }>(
    h.db.orm,
    sql`select a.attempt, a.state, a.error, (a.detail->>'retryable')::boolean as retryable,
               coalesce(a.result_commit, a.detail->>'resultCommit') as result
        from step_attempts a where a.run_id = ${runId} order by a.attempt`,
  );
}

describe("lineage remote failures", { timeout: 120_000 }, () => {
  it("a result that cannot be pushed fails the step retryably, naming the push, the remote and the tries", async () => {
    const h = await openHarness("pglite", { git: gitSharingFromEnvOrThrow({ BATON_LINEAGE_REMOTE: unreachable(), BATON_GIT_REMOTE_ATTEMPTS: "2" }) });
    try {
      const started = await startRunOrThrow(h.db, { flowId: await h.createFlow(flow()), inputs: {}, repo: clone, origin: "api" });
      const run = await h.drain(started.id);
      expect(run.status).toBe("failed");
      const tried = await attempts(h, started.id);
      expect(tried).toHaveLength(1);
      for (const a of tried) {
        expect(a).toMatchObject({ state: "failed", retryable: true });
        expect(a.error).toMatch(
          new RegExp(`^publishing the result commit failed: pushing ${a.result!.slice(0, 12)} as refs/baton/${started.id}/build-${a.attempt}, [0-9a-f]{12} as refs/baton/${started.id}/base to ${unreachable()} failed after 2 tries \\(each bounded by 60 s\\): `),
        );
      }
      // The work is still committed locally, on the attempt's branch.
      expect(await git(clone, "cat-file", "-t", tried[0].result!)).toBe("commit");
    } finally {
      await h.close();
    }
  });

  it("a start commit neither in the clone nor on the remote fails the step without a retry, naming both", async () => {
    const h = await openHarness("pglite", { git: gitSharingFromEnvOrThrow({ BATON_LINEAGE_REMOTE: origin }) });
    try {
      const created = await createRunOrThrow(h.db.orm, { flowId: await h.createFlow(flow(1)), flowVersion: 1, plan: plan(flow(1) as never, {}), repo: clone, baseCommit: unpublished, origin: "api" });
      const run = await h.drain(created.runId);
      expect(run.status).toBe("failed");
      const [only, ...more] = await attempts(h, created.runId);
      expect(more).toEqual([]);
      expect(only).toMatchObject({ state: "failed", retryable: false });
      expect(only.error).toBe(
        `cannot prepare the worktree: commit ${unpublished.slice(0, 12)} is neither in ${clone} nor reachable on the lineage remote ${origin} (under refs/baton/${created.runId}/* or any other ref)`,
      );
    } finally {
      await h.close();
    }
  });
});
