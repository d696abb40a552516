// Retention of attempt refs: real repository, real runs through the engine (PGlite).
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../db/client";
import { createBranchOrThrow } from "../git/attempt-refs";
import { createRepo, git, makeTempDir } from "../git/test-repos";
import { startRunOrThrow } from "../runs/service";
import { DEFAULT_REF_RETENTION_DAYS, pruneExpiredRefs, refRetentionDays } from "./ref-retention";
import { openHarness, type Harness } from "./testing/harness";

describe("attempt ref retention", () => {
  let h: Harness;
  let dir: string;
  let repo: string;
  beforeAll(async () => {
    h = await openHarness("pglite");
    dir = await makeTempDir("baton-retention");
    ({ repo } = await createRepo(path.join(dir, "repo"), { "README.md": "# r\n" }));
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const runOnce = async (prompt: string) => {
    const flowId = await h.createFlow({ name: prompt, inputs: [], nodes: [{ id: "edit", kind: "agent", config: { profile: "demo", prompt, workspace: "code" } }], edges: [] });
    const started = await startRunOrThrow(h.db, { flowId, inputs: {}, repo, origin: "api" });
    const result = await h.drain(started.id);
    expect(result.status).toBe("succeeded");
    return result;
  };
  const refsOf = async (runId: string) => git(repo, "for-each-ref", "--format=%(refname)", `refs/baton/${runId}/`);

  it("deletes the refs of runs that ended before the retention period, keeps newer runs' refs and branches made from results", async () => {
    const old = await runOnce("old change");
    const recent = await runOnce("recent change");
    const oldResult = old.steps[0].resultCommit!;
    await createBranchOrThrow(repo, "kept-from-old", oldResult);
    await rows(h.db.orm, sql`update runs set finished_at = now() - interval '31 days' where id = ${old.id}`);
    expect(await refsOf(old.id)).toBe(`refs/baton/${old.id}/edit-1`);

    const pruned = await pruneExpiredRefs(h.db.orm, 30);
    expect(pruned).toEqual([{ repo, runId: old.id, refs: [`refs/baton/${old.id}/edit-1`] }]);
    expect(await refsOf(old.id)).toBe("");
    expect(await refsOf(recent.id)).toBe(`refs/baton/${recent.id}/edit-1`);
    expect(await git(repo, "rev-parse", "refs/heads/kept-from-old")).toBe(oldResult);
    // Nothing left to prune; a retention of 0 days reaches the recent run too.
    expect(await pruneExpiredRefs(h.db.orm, 30)).toEqual([]);
    await pruneExpiredRefs(h.db.orm, refRetentionDays({ BATON_REF_RETENTION_DAYS: "0" })!);
    expect(await refsOf(recent.id)).toBe("");
  });

  it("reads the setting: days, forever, or the default for anything else", () => {
    expect(refRetentionDays({})).toBe(DEFAULT_REF_RETENTION_DAYS);
    expect(refRetentionDays({ BATON_REF_RETENTION_DAYS: "7" })).toBe(7);
    expect(refRetentionDays({ BATON_REF_RETENTION_DAYS: "0" })).toBe(0);
    expect(refRetentionDays({ BATON_REF_RETENTION_DAYS: "forever" })).toBeNull();
    expect(refRetentionDays({ BATON_REF_RETENTION_DAYS: "-3" })).toBe(DEFAULT_REF_RETENTION_DAYS);
  });
});
