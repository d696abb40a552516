// Cleanup of runs' refs and worktrees (issue 17 item 4) on a real repository, real runs
// through the engine (PGlite): "Delete this run's refs", its refusal while the run runs, the
// retention setting against BATON_REF_RETENTION_DAYS, applying it, and the space report.
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../db/client";
import { pruneExpired } from "../engine/run-cleanup";
import { openHarness, type Harness } from "../engine/testing/harness";
import { createBranchOrThrow } from "../git/attempt-refs";
import { runWorktreesDir, worktreesRoot } from "../git/ref-names";
import { createRepo, git, makeTempDir } from "../git/test-repos";
import { HttpError } from "../http/errors";
import { createResultBranchOrThrow, mergeResultOrThrow } from "../results/result-actions";
import { computeRunResultOrThrow } from "../results/run-result";
import { currentRetention, resolveRetention, retentionBodySchema, setRetention } from "../settings/retention";
import { storageReport } from "../settings/storage";
import { reviewStepOrThrow } from "../review/review-actions";
import { checkoutStepBranchOrThrow } from "./checkout-branch";
import { deleteRunRefsOrThrow } from "./delete-run-refs";
import { refsDeletedRefusal } from "./refs-deleted";
import { getRunOrThrow, rerunRunOrThrow, rerunStepOrThrow, startRunOrThrow } from "./service";

describe("cleanup of runs' refs and worktrees", () => {
  let h: Harness;
  let dir: string;
  let repo: string;
  beforeAll(async () => {
    h = await openHarness("pglite");
    dir = await makeTempDir("baton-run-refs");
    ({ repo } = await createRepo(path.join(dir, "repo"), { "README.md": "# r\n" }));
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const flowOf = (prompt: string) =>
    h.createFlow({ name: prompt, inputs: [], nodes: [{ id: "edit", kind: "agent", config: { profile: "demo", prompt, workspace: "code" } }], edges: [] });
  const runOnce = async (prompt: string, keepWorktrees = true) => {
    const started = await startRunOrThrow(h.db, { flowId: await flowOf(prompt), inputs: {}, repo, origin: "api", keepWorktrees });
    const result = await h.drain(started.id);
    expect(result.status).toBe("succeeded");
    return result;
  };
  const refsOf = (runId: string) => git(repo, "for-each-ref", "--format=%(refname)", `refs/baton/${runId}/`);
  const worktreeDir = (runId: string) => runWorktreesDir(worktreesRoot(h.dataDir), runId);
  const age = (runId: string, days: number) => rows(h.db.orm, sql`update runs set finished_at = now() - ${days}::int * interval '1 day' where id = ${runId}`);

  it("deletes a finished run's refs and worktrees, keeps its record and branches made from it; refuses while the run is running", async () => {
    const run = await runOnce("kept change");
    const result = run.steps[0].resultCommit!;
    await createBranchOrThrow(repo, "mine", result);
    expect(await refsOf(run.id)).toBe(`refs/baton/${run.id}/edit-1`);
    expect(fs.readdirSync(worktreeDir(run.id))).toEqual(["edit-1"]);

    const deleted = await deleteRunRefsOrThrow(h.db.orm, h.dataDir, run.id);
    expect(deleted).toEqual({ runId: run.id, repo, refs: [`refs/baton/${run.id}/edit-1`], worktrees: [path.join(worktreeDir(run.id), "edit-1")], repoNote: null });
    expect(await refsOf(run.id)).toBe("");
    expect(fs.existsSync(worktreeDir(run.id))).toBe(false);
    expect(await git(repo, "worktree", "list", "--porcelain")).not.toContain(worktreeDir(run.id));
    expect(await git(repo, "rev-parse", "refs/heads/mine")).toBe(result);
    const [record] = await rows<{ status: string }>(h.db.orm, sql`select status from runs where id = ${run.id}`);
    expect(record.status).toBe("succeeded");
    // Again: nothing left, said as such.
    expect(await deleteRunRefsOrThrow(h.db.orm, h.dataDir, run.id)).toMatchObject({ refs: [], worktrees: [] });

    // The run says so: its result is no longer offered (reading it writes no result ref
    // again), and taking it is refused naming the reason.
    const [{ refs_deleted_at: deletedAt }] = await rows<{ refs_deleted_at: Date | string | null }>(h.db.orm, sql`select refs_deleted_at from runs where id = ${run.id}`);
    expect(deletedAt).not.toBeNull();
    const { result: shown } = await computeRunResultOrThrow(h.db.orm, run.id);
    expect(shown).toMatchObject({ state: "none", commit: null, refsDeletedAt: new Date(deletedAt!).toISOString() });
    expect(shown.reason).toMatch(/^this run's refs were deleted on \d{4}-\d\d-\d\d \d\d:\d\d UTC: its commits are no longer kept, so its result can't be merged/);
    expect(await refsOf(run.id)).toBe("");
    for (const take of [() => mergeResultOrThrow(h.db.orm, run.id), () => createResultBranchOrThrow(h.db.orm, run.id, { name: "from-deleted" })]) {
      const refused = await take().catch((error: unknown) => error);
      expect(refused).toMatchObject({ status: 409, message: `run ${run.id} has no result to take: ${shown.reason}` });
    }
    expect(await git(repo, "branch", "--list", "from-deleted")).toBe("");

    // Started, not drained: the run is running and its refs are refused with the reason.
    const live = await startRunOrThrow(h.db, { flowId: await flowOf("live change"), inputs: {}, repo, origin: "api" });
    const refusal = await deleteRunRefsOrThrow(h.db.orm, h.dataDir, live.id).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(HttpError);
    expect((refusal as HttpError).status).toBe(409);
    expect((refusal as HttpError).message).toMatch(new RegExp(`^run ${live.id} is (queued|running): its refs and worktrees are in use — cancel it or wait for it to end`));
    expect((await h.drain(live.id)).status).toBe("succeeded");
    expect((await deleteRunRefsOrThrow(h.db.orm, h.dataDir, live.id)).refs).toEqual([`refs/baton/${live.id}/edit-1`]);
    await expect(deleteRunRefsOrThrow(h.db.orm, h.dataDir, "run_missing")).rejects.toMatchObject({ status: 404 });
  });

  it("once a run's refs are deleted, re-running, reviewing and branching its steps are refused (409 with the date, the run page's own reason); a whole re-run still starts from its base", async () => {
    const run = await runOnce("change to give up", false);
    const edit = run.steps[0];
    expect(run.refsDeletedAt).toBeNull();
    expect(refsDeletedRefusal(run, "rerun")).toBeNull();
    await deleteRunRefsOrThrow(h.db.orm, h.dataDir, run.id);

    const after = await getRunOrThrow(h.db.orm, run.id);
    expect(after.refsDeletedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const at = `${after.refsDeletedAt!.slice(0, 10)} ${after.refsDeletedAt!.slice(11, 16)} UTC`;
    const refusals = {
      rerun: `this run's refs were deleted on ${at}: its commits are no longer kept, so its steps can't be re-run`,
      review: `this run's refs were deleted on ${at}: its commits are no longer kept, so changes can't be requested of its steps`,
      branch: `this run's refs were deleted on ${at}: its commits are no longer kept, so its attempts can't be checked out as a branch`,
    };
    // The page decides from the same rule and the run's detail.
    expect(refsDeletedRefusal(after, "rerun")).toBe(refusals.rerun);
    expect(refsDeletedRefusal(after, "review")).toBe(refusals.review);
    expect(refsDeletedRefusal(after, "branch")).toBe(refusals.branch);
    expect(refsDeletedRefusal({ repo: null, refsDeletedAt: after.refsDeletedAt }, "rerun")).toBeNull();

    const refused = (work: Promise<unknown>) => work.then(() => null, (error: unknown) => error);
    // The commit is still in the repository (no gc yet): refused all the same.
    expect(await git(repo, "cat-file", "-t", edit.resultCommit!)).toBe("commit");
    expect(await refused(rerunStepOrThrow(h.db, run.id, edit.id))).toMatchObject({ status: 409, message: refusals.rerun });
    expect(await refused(rerunStepOrThrow(h.db, run.id, edit.id, { prompt: "another" }))).toMatchObject({ status: 409, message: refusals.rerun });
    expect(await refused(reviewStepOrThrow(h.db, run.id, edit.id, { decision: "request-changes", reason: "again", comments: [] }, h.dataDir))).toMatchObject({
      status: 409,
      message: refusals.review,
    });
    expect(await refused(checkoutStepBranchOrThrow(h.db.orm, run.id, edit.id, { name: "after-deletion" }))).toMatchObject({ status: 409, message: refusals.branch });
    expect(await git(repo, "branch", "--list", "after-deletion")).toBe("");
    // Nothing moved: the run is as it ended, its refs still gone.
    expect(await getRunOrThrow(h.db.orm, run.id)).toMatchObject({ status: "succeeded", steps: [{ state: "succeeded", attempt: 1 }] });
    expect(await refsOf(run.id)).toBe("");

    // A whole re-run needs none of them: a new run from the same base commit.
    const again = await h.drain((await rerunRunOrThrow(h.db, run.id)).id);
    expect(again).toMatchObject({ status: "succeeded", baseCommit: run.baseCommit, parentRunId: run.id, refsDeletedAt: null });
    // The tests below count the repository's refs: this one's go too.
    await deleteRunRefsOrThrow(h.db.orm, h.dataDir, again.id);
  });

  it("the retention setting overrides BATON_REF_RETENTION_DAYS, which overrides the default; applying it prunes old runs' refs and kept worktrees", async () => {
    expect(resolveRetention(null, {})).toMatchObject({ days: 30, source: "default", env: null });
    expect(resolveRetention(null, { BATON_REF_RETENTION_DAYS: "7" })).toMatchObject({ days: 7, source: "env", env: "7" });
    expect(resolveRetention(null, { BATON_REF_RETENTION_DAYS: "forever" })).toMatchObject({ days: null, source: "env" });
    expect(resolveRetention(3, { BATON_REF_RETENTION_DAYS: "7" })).toMatchObject({ days: 3, source: "setting", env: "7" });
    expect(resolveRetention("forever", {})).toMatchObject({ days: null, source: "setting" });
    expect(retentionBodySchema.safeParse({ days: -1 }).error?.issues[0].path).toEqual(["days"]);
    expect(retentionBodySchema.safeParse({ days: "2" }).success).toBe(false);

    const old = await runOnce("old change");
    const recent = await runOnce("recent change");
    await age(old.id, 10);
    const before = await storageReport(h.db.orm, h.dataDir);
    const repoRow = before.repos.find((r) => r.repo === repo)!;
    expect(repoRow).toMatchObject({ runs: 2, refs: 2, note: null });
    expect(repoRow.bytes).toBeGreaterThan(0);
    expect(before.worktrees.runs).toBe(2);
    expect(before.worktrees.bytes).toBeGreaterThan(0);

    // Forever, stored: nothing goes, whatever the environment says.
    expect(await setRetention(h.db.orm, "forever", { BATON_REF_RETENTION_DAYS: "1" })).toMatchObject({ days: null, source: "setting" });
    expect(await pruneExpired(h.db.orm, h.dataDir)).toMatchObject({ days: null, refs: 0 });
    // 5 days: the 10-day-old run loses its refs and worktrees, the recent one keeps them.
    await setRetention(h.db.orm, 5);
    expect(await currentRetention(h.db.orm, {})).toMatchObject({ days: 5, source: "setting" });
    expect(await pruneExpired(h.db.orm, h.dataDir)).toEqual({ days: 5, refs: 1, runs: [old.id], worktreeRuns: [old.id] });
    expect(await refsOf(old.id)).toBe("");
    expect(fs.existsSync(worktreeDir(old.id))).toBe(false);
    expect(await refsOf(recent.id)).toBe(`refs/baton/${recent.id}/edit-1`);
    expect(fs.existsSync(worktreeDir(recent.id))).toBe(true);
    const marked = await rows<{ id: string }>(h.db.orm, sql`select id from runs where refs_deleted_at is not null and id in (${old.id}, ${recent.id})`);
    expect(marked.map((r) => r.id)).toEqual([old.id]);
    const after = await storageReport(h.db.orm, h.dataDir);
    expect(after.repos.find((r) => r.repo === repo)).toMatchObject({ runs: 1, refs: 1 });
    expect(after.worktrees.runs).toBe(1);

    // Deleting the setting: the environment applies again.
    expect(await setRetention(h.db.orm, null, { BATON_REF_RETENTION_DAYS: "14" })).toMatchObject({ days: 14, source: "env" });
    expect(await currentRetention(h.db.orm, { BATON_REF_RETENTION_DAYS: "14" })).toMatchObject({ days: 14, source: "env" });
  });
});
