// Git lineage end to end: real repositories, real flow runs, the real dispatcher Worker and
// the real engine, on the embedded PGlite and on a Postgres server.
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoFileName } from "../agents/demo/reply";
import { rows } from "../db/client";
import { EXAMPLE_FLOW } from "../flow/example";
import { ensureExampleRepo } from "../git/example-repo";
import { attemptRefName, runWorktreesDir, worktreesRoot } from "../git/ref-names";
import { commitFiles, createRepo, git, makeTempDir, readFileOrNull } from "../git/test-repos";
import { insertMissingProfiles } from "../profiles/repository";
import { cancelRunOrThrow, getRunOrThrow, rerunStepOrThrow, selectWinnerOrThrow, startRunOrThrow, type RunDetail } from "../runs/service";
import { Rescuer } from "../dispatch/rescuer";
import { engine } from "./engine";
import { openHarness, waitFor, type Driver, type Harness } from "./testing/harness";

const step = (run: RunDetail, key: string) => {
  const found = run.steps.find((s) => s.key === key);
  if (!found) throw new Error(`no step ${key}`);
  return found;
};
const demoFile = (prompt: string) => demoFileName(prompt);
const agent = (id: string, prompt: string, extra: Record<string, unknown> = {}) => ({
  id,
  kind: "agent",
  config: { profile: "demo", prompt, workspace: "code", ...extra },
});

describe.each<Driver>(["pglite", "postgres"])("git lineage on %s", (driver) => {
  let h: Harness;
  let repo: string;
  const tempDirs: string[] = [];
  /**
   * A `command`-backend agent running an sh script. Only a profile may name a program, so each
   * script gets a profile of its own ("script-<node>"), inserted by `insertScripts` (`run` calls
   * it before the flow). The map belongs to this driver's describe: profiles are inserted only
   * when missing (a stored profile is never overwritten), so a script known to the other
   * driver's tests, or a second script under one id, would run with the first script's text.
   * Shared by both drivers, it gave Postgres' database PGlite's lease-lost script, whose marker
   * lived under PGlite's removed temp dir: attempt 1 never appeared to run.
   */
  const scripts = new Map<string, string>();
  const script = (id: string, shell: string, extra: Record<string, unknown> = {}) => {
    const known = scripts.get(`script-${id}`);
    if (known !== undefined && known !== shell) throw new Error(`script-${id} is already registered with another script; its profile would keep that one`);
    scripts.set(`script-${id}`, shell);
    return { id, kind: "agent", config: { profile: `script-${id}`, prompt: id, ...extra } };
  };
  const insertScripts = () =>
    insertMissingProfiles(
      h.db.orm,
      [...scripts].map(([id, shell]) => ({ id, backend: "command", label: "test script", config: { command: ["sh", "-c", shell] } })),
    );

  beforeAll(async () => {
    h = await openHarness(driver);
    const dir = await makeTempDir("baton-lineage");
    tempDirs.push(dir);
    ({ repo } = await createRepo(path.join(dir, "repo"), { "README.md": "# Project\n", "src/app.js": "export const x = 1;\n" }));
  });
  afterAll(async () => {
    await h.close();
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = async (document: unknown, options: { keepWorktrees?: boolean; worktreePolicy?: "clean" | "keep-ignored" } = {}) => {
    await insertScripts();
    const flowId = await h.createFlow(document);
    const started = await startRunOrThrow(h.db, { flowId, inputs: {}, repo, origin: "api", ...options });
    return h.drain(started.id);
  };
  /** The run's attempt refs (refs/baton/<run>/…). */
  const branches = async (runId: string) =>
    (await git(repo, "for-each-ref", "--format=%(refname)", `refs/baton/${runId}/`)).split("\n").filter(Boolean).sort();
  const worktreesGone = (runId: string) =>
    waitFor(async () => !fs.existsSync(runWorktreesDir(worktreesRoot(h.dataDir), runId)), `worktrees of ${runId} removed`);

  it("chains lineage: step 2 starts from step 1's result (through a workspace-less step); worktrees go at the end, attempt refs stay", async () => {
    const result = await run({
      name: "chain",
      inputs: [],
      nodes: [agent("one", "first change"), agent("think", "no files", { workspace: "none" }), agent("two", "second change")],
      edges: [
        { from: "one", to: "think" },
        { from: "think", to: "two" },
      ],
    });
    expect(result.status).toBe("succeeded");
    const one = step(result, "one");
    const two = step(result, "two");
    const base = await git(repo, "rev-parse", "HEAD");
    expect(result.baseCommit).toBe(base);
    expect(one.startCommit).toBe(base);
    expect(one.resultCommit).not.toBe(base);
    expect(one.branch).toBe(attemptRefName(result.id, "one", 1));
    expect(step(result, "think")).toMatchObject({ worktree: null, resultCommit: null });
    expect(two.startCommit).toBe(one.resultCommit);
    // Step 1's file is in step 2's commit; step 2's diff shows only its own change.
    expect(await git(repo, "show", `${two.resultCommit}:${demoFile("first change")}`)).toContain("first change");
    expect(await git(repo, "rev-parse", `${two.resultCommit}^`)).toBe(one.resultCommit);
    expect(two.diffStats).toEqual({ files: 1, additions: 3, deletions: 0 });
    expect(two.diff).toContain(`+++ b/${demoFile("second change")}`);
    expect(two.diff).not.toContain(demoFile("first change"));
    expect(one.attempts[0]).toMatchObject({ startCommit: base, resultCommit: one.resultCommit, branch: one.branch });
    // Usage per step, summed per run.
    const sum = (field: "inputTokens" | "outputTokens") =>
      result.steps.reduce((total, s) => total + Number((s.usage as Record<string, number>)[field] ?? 0), 0);
    expect(result.usage.inputTokens).toBe(sum("inputTokens"));
    expect(result.usage.outputTokens).toBe(sum("outputTokens"));
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    await worktreesGone(result.id);
    expect(fs.existsSync(one.worktree!)).toBe(false);
    expect(await branches(result.id)).toEqual([attemptRefName(result.id, "one", 1), attemptRefName(result.id, "two", 1)].sort());
    expect(await git(repo, "rev-parse", one.branch!)).toBe(one.resultCommit);
  });

  it("leaves `git branch` of the user's repo exactly as it was: every attempt (lease-lost, retried, re-run) has a ref under refs/baton/ instead", async () => {
    const userBranches = async () => [await git(repo, "branch", "-a", "-vv", "--no-abbrev"), await git(repo, "for-each-ref", "refs/heads/", "refs/remotes/")];
    const before = await userBranches();
    const marker = path.join(tempDirs[0], `lease-lost-${driver}`);
    // Attempt 1 hangs until its lease is taken away; attempt 2 (and the re-run) finish.
    const flaky = script("flaky", `if [ -e '${marker}' ]; then printf 'done\\n' > done.txt; else touch '${marker}'; exec sleep 30; fi`, { workspace: "code" });
    await insertScripts();
    const flowId = await h.createFlow({ name: "lease lost", inputs: [], nodes: [flaky], edges: [] });
    const worker = await h.startLoop();
    try {
      const started = await startRunOrThrow(h.db, { flowId, inputs: {}, repo, origin: "api" });
      const running = await waitFor(async () => {
        const current = step(await getRunOrThrow(h.db.orm, started.id), "flaky");
        return current.state === "running" && current.worktree && fs.existsSync(marker) ? current : null;
      }, "attempt 1 to run in its worktree", 150_000);
      // Its worker "dies": the lease expires under another owner and the rescuer retries it.
      await rows(h.db.orm, sql`update steps set lease_owner = 'wkr_gone', lease_expires_at = now() - interval '1 second' where id = ${running.id}`);
      expect((await new Rescuer({ db: h.db, engine }).runOnce()).retried).toEqual([running.id]);
      let result = await waitFor(async () => {
        const current = await getRunOrThrow(h.db.orm, started.id);
        return current.status === "succeeded" ? current : null;
      }, "the retried attempt to succeed", 150_000);
      expect(step(result, "flaky").attempts.map((a) => [a.attempt, a.state, a.error?.split(":")[0] ?? null])).toEqual([
        [1, "failed", "worker lost"],
        [2, "succeeded", null],
      ]);
      await rerunStepOrThrow(h.db, started.id, step(result, "flaky").id);
      result = await waitFor(async () => {
        const current = await getRunOrThrow(h.db.orm, started.id);
        return current.status === "succeeded" && step(current, "flaky").attempt === 3 ? current : null;
      }, "the re-run to succeed", 150_000);
      await worktreesGone(started.id);
      expect(await userBranches()).toEqual(before);
      expect(await branches(started.id)).toEqual([1, 2, 3].map((n) => attemptRefName(started.id, "flaky", n)));
      const last = step(result, "flaky");
      expect(await git(repo, "rev-parse", last.branch!)).toBe(last.resultCommit);
      expect(await git(repo, "show", `${last.resultCommit}:done.txt`)).toBe("done");
    } finally {
      await worker.stop(0);
    }
  }, 480_000);

  it("a step takes the previous step's worktree from the pool; ignored files survive only under keep-ignored (run option, else the profile's default)", async () => {
    const build = script("build", "printf 'cache/\\n' > .gitignore; mkdir -p cache; echo built > cache/artifact; echo code > built.txt");
    const look = script("look", "if [ -e cache/artifact ]; then echo kept > seen.txt; else echo gone > seen.txt; fi");
    const flow = (lookProfile: string) => ({
      name: `pool ${lookProfile}`,
      inputs: [],
      nodes: [build, { ...look, config: { ...look.config, profile: lookProfile } }],
      edges: [{ from: "build", to: "look" }],
    });
    await insertMissingProfiles(h.db.orm, [
      { id: "script-look-keeps", backend: "command", label: "keeps ignored", config: { command: ["sh", "-c", scripts.get("script-look")!], worktreePolicy: "keep-ignored" } },
    ]);
    const seen = async (result: RunDetail) => {
      expect(result.status).toBe("succeeded");
      const lookStep = step(result, "look");
      const [log] = await rows<{ data: { text: string } }>(
        h.db.orm,
        sql`select data from step_events where step_id = ${lookStep.id} and type = 'log-line' and data->>'text' like 'worktree %'`,
      );
      expect(log.data.text).toContain("from the pool");
      return git(repo, "show", `${lookStep.resultCommit}:seen.txt`);
    };
    expect(await seen(await run(flow("script-look")))).toBe("gone");
    expect(await seen(await run(flow("script-look"), { worktreePolicy: "keep-ignored" }))).toBe("kept");
    expect(await seen(await run(flow("script-look-keeps")))).toBe("kept");
    expect(await seen(await run(flow("script-look-keeps"), { worktreePolicy: "clean" }))).toBe("gone");
    // Idle worktrees wait in the repository's pool, not in any run's directory.
    expect(fs.readdirSync(path.join(worktreesRoot(h.dataDir), ".pool")).length).toBe(1);
  });

  it("keeps worktrees when the run asks to", async () => {
    const result = await run({ name: "keep", inputs: [], nodes: [agent("one", "kept change")], edges: [] }, { keepWorktrees: true });
    expect(result.keepWorktrees).toBe(true);
    const worktree = step(result, "one").worktree!;
    // Cleanup has had its chance once the sweep of finished runs (forced) found nothing to do.
    const { sweepFinishedRuns } = await import("./run-cleanup");
    await sweepFinishedRuns(h.db.orm, h.dataDir, true);
    expect(await readFileOrNull(worktree, demoFile("kept change"))).toContain("kept change");
  });

  it("an arena's contestants start from one commit; the picked winner's commit flows downstream", async () => {
    const flowId = await h.createFlow({
      name: "arena",
      inputs: [],
      nodes: [
        agent("prep", "prepare"),
        { id: "build", kind: "arena", config: { prompt: "build it", contestants: [{ profile: "demo" }, { profile: "demo" }], select: { mode: "manual" } } },
        agent("after", "after the arena"),
      ],
      edges: [
        { from: "prep", to: "build" },
        { from: "build", to: "after" },
      ],
    });
    const started = await startRunOrThrow(h.db, { flowId, inputs: {}, repo, origin: "api" });
    let result = await h.drain(started.id);
    expect(step(result, "build").state).toBe("waiting");
    const prep = step(result, "prep");
    const [c0, c1] = [step(result, "build#0"), step(result, "build#1")];
    expect(c0.startCommit).toBe(prep.resultCommit);
    expect(c1.startCommit).toBe(prep.resultCommit);
    expect(c0.resultCommit).not.toBe(c1.resultCommit);
    expect(c0.worktree).not.toBe(c1.worktree);
    await selectWinnerOrThrow(h.db, started.id, "build", "build#1", h.dataDir);
    result = await h.drain(started.id);
    expect(result.status).toBe("succeeded");
    const select = step(result, "build");
    expect(select).toMatchObject({
      winner: "build#1",
      resultCommit: c1.resultCommit,
      branch: c1.branch,
      diff: c1.diff,
      diffStats: c1.diffStats,
    });
    expect(step(result, "after").startCommit).toBe(c1.resultCommit);
  });

  it("a fold merges its inputs' results: agent mode starts from the merge, concat records it", async () => {
    const result = await run({
      name: "fold",
      inputs: [],
      nodes: [
        agent("left", "left change"),
        agent("right", "right change"),
        { id: "join", kind: "fold", config: { mode: "agent", profile: "demo", prompt: "combine both" } },
        { id: "both", kind: "fold", config: { mode: "concat" } },
      ],
      edges: [
        { from: "left", to: "join" },
        { from: "right", to: "join" },
        { from: "left", to: "both" },
        { from: "right", to: "both" },
      ],
    });
    expect(result.status).toBe("succeeded");
    const [left, right, join, both] = ["left", "right", "join", "both"].map((k) => step(result, k));
    expect(left.startCommit).toBe(result.baseCommit);
    expect(right.startCommit).toBe(result.baseCommit);
    expect((await git(repo, "rev-list", "--parents", "-n", "1", join.startCommit!)).split(" ").slice(1)).toEqual([
      left.resultCommit,
      right.resultCommit,
    ]);
    const files = async (commit: string) => (await git(repo, "ls-tree", "--name-only", commit)).split("\n");
    expect(await files(join.resultCommit!)).toEqual(expect.arrayContaining([demoFile("left change"), demoFile("right change"), demoFile("combine both")]));
    expect(join.diffStats).toMatchObject({ files: 1 });
    expect(await files(both.resultCommit!)).toEqual(expect.arrayContaining([demoFile("left change"), demoFile("right change")]));
    expect(both.diffStats).toMatchObject({ files: 2 });
    expect(both.branch).toBe(attemptRefName(result.id, "both", 1));
  });

  it("a merge conflict fails the step, not retryable, naming the conflicting paths", async () => {
    const result = await run({
      name: "conflict",
      inputs: [],
      nodes: [
        script("ours", "printf 'ours\\n' > shared.txt"),
        script("theirs", "printf 'theirs\\n' > shared.txt; printf 'x\\n' > only-theirs.txt"),
        { id: "join", kind: "fold", config: { mode: "agent", profile: "demo", prompt: "combine", retries: 2 } },
      ],
      edges: [
        { from: "ours", to: "join" },
        { from: "theirs", to: "join" },
      ],
    });
    expect(result.status).toBe("failed");
    const join = step(result, "join");
    expect(join.state).toBe("failed");
    expect(join.error).toMatch(/conflicts in: shared\.txt$/);
    expect(join.detail).toMatchObject({ retryable: false, conflict: { paths: ["shared.txt"] } });
    expect(join.attempts).toHaveLength(1);
    expect(await branches(result.id)).not.toContain(attemptRefName(result.id, "join", 1));
  });

  it("re-running a step restores its recorded start commit exactly, even after the base branch moved; descendants start anew", async () => {
    const flowId = await h.createFlow({
      name: "rerun",
      inputs: [],
      nodes: [
        agent("left", "left again"),
        agent("right", "right again"),
        { id: "join", kind: "fold", config: { mode: "agent", profile: "demo", prompt: "join again" } },
        agent("last", "last again"),
      ],
      edges: [
        { from: "left", to: "join" },
        { from: "right", to: "join" },
        { from: "join", to: "last" },
      ],
    });
    const started = await startRunOrThrow(h.db, { flowId, inputs: {}, repo, origin: "api" });
    let result = await h.drain(started.id);
    expect(result.status).toBe("succeeded");
    const first = step(result, "join");
    const firstLast = step(result, "last");
    await worktreesGone(started.id);
    // The base branch moves on, and a second passes so a recomputed merge would get a new id.
    await commitFiles(repo, { "moved.txt": "main moved on\n" }, "main moves");
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await rerunStepOrThrow(h.db, started.id, first.id);
    result = await h.drain(started.id);
    expect(result.status).toBe("succeeded");
    const again = step(result, "join");
    expect(again.attempt).toBe(2);
    expect(again.startCommit).toBe(first.startCommit);
    expect(again.attempts.map((a) => a.startCommit)).toEqual([first.startCommit, first.startCommit]);
    expect(again.branch).toBe(attemptRefName(started.id, "join", 2));
    expect(await git(repo, "rev-parse", `${again.branch}^`)).toBe(first.startCommit);
    expect(await git(repo, "ls-tree", "--name-only", again.resultCommit!)).not.toContain("moved.txt");
    // The descendant starts from the re-run's new result, not from its own old start.
    const last = step(result, "last");
    expect(last.attempt).toBe(2);
    expect(again.resultCommit).not.toBe(first.resultCommit);
    expect(last.startCommit).toBe(again.resultCommit);
    expect(firstLast.startCommit).toBe(first.resultCommit);
  });

  it("streams diff-update events while a step runs, only when the diff changed", async () => {
    const previous = process.env.BATON_DIFF_INTERVAL_MS;
    process.env.BATON_DIFF_INTERVAL_MS = "50";
    try {
      const result = await run({
        name: "live",
        inputs: [],
        nodes: [
          agent("demo", "live demo change", { options: { chunks: 5, delayMs: 20 } }),
          script("slow", "printf 'one\\n' > a.txt; sleep 1.5; printf 'two\\n' > b.txt; sleep 1.5; printf 'three\\n' >> b.txt; sleep 1.5"),
        ],
        edges: [],
      });
      expect(result.status).toBe("succeeded");
      for (const key of ["demo", "slow"]) {
        const s = step(result, key);
        const events = await rows<{ id: number | string; type: string; data: Record<string, unknown> }>(
          h.db.orm,
          sql`select id, type, data from step_events where step_id = ${s.id} and type in ('diff-update', 'step-state') order by id`,
        );
        const diffs = events.filter((e) => e.type === "diff-update").map((e) => e.data);
        const finalIndex = events.findIndex((e) => e.type === "step-state" && e.data.state === "succeeded");
        expect(diffs.length, `live diffs of ${key}`).toBeGreaterThan(0);
        // Every live diff came before the step finished, and none repeats the one before it.
        expect(events.slice(finalIndex).some((e) => e.type === "diff-update")).toBe(false);
        for (let i = 1; i < diffs.length; i++) expect(diffs[i].diff).not.toBe(diffs[i - 1].diff);
        const lastLive = diffs[diffs.length - 1];
        const stats = s.diffStats as { files: number; additions: number };
        expect(lastLive).toMatchObject({ files: stats.files, additions: stats.additions, stats, diff: s.diff });
      }
      const slowDiffs = (
        await rows<{ data: { files: number; additions: number } }>(
          h.db.orm,
          sql`select data from step_events where step_id = ${step(result, "slow").id} and type = 'diff-update' order by id`,
        )
      ).map((e) => [e.data.files, e.data.additions]);
      // The timer saw each stage of the script: a.txt, then b.txt, then b.txt's second line.
      expect(slowDiffs).toEqual(expect.arrayContaining([[1, 1], [2, 2], [2, 3]]));
      expect(slowDiffs[slowDiffs.length - 1]).toEqual([2, 3]);
    } finally {
      if (previous === undefined) delete process.env.BATON_DIFF_INTERVAL_MS;
      else process.env.BATON_DIFF_INTERVAL_MS = previous;
    }
  });

  it("a check runs at the upstream step's result in a worktree of its own (the upstream one went back to the pool)", async () => {
    const flowId = await h.createFlow({
      name: "check",
      inputs: [],
      nodes: [agent("make", "make a file"), { id: "verify", kind: "check", config: { command: ["ls"] } }],
      edges: [{ from: "make", to: "verify" }],
    });
    const started = await startRunOrThrow(h.db, { flowId, inputs: {}, repo, origin: "api" });
    let result = await h.drain(started.id);
    expect(result.status).toBe("succeeded");
    const make = step(result, "make");
    let verify = step(result, "verify");
    expect(verify.detail).toMatchObject({ cwd: path.join(runWorktreesDir(worktreesRoot(h.dataDir), started.id), "verify-1"), exitCode: 0 });
    expect(verify.output).toContain(demoFile("make a file"));
    expect(verify).toMatchObject({ startCommit: make.resultCommit, resultCommit: make.resultCommit });
    await worktreesGone(started.id);
    await rerunStepOrThrow(h.db, started.id, verify.id);
    result = await h.drain(started.id);
    verify = step(result, "verify");
    const fresh = path.join(runWorktreesDir(worktreesRoot(h.dataDir), started.id), "verify-2");
    expect(verify.detail).toMatchObject({ cwd: fresh, exitCode: 0 });
    expect(verify.output).toContain(demoFile("make a file"));
    expect(verify).toMatchObject({ startCommit: make.resultCommit, branch: attemptRefName(started.id, "verify", 2) });
  });

  it("a check-mode arena checks each contestant in its worktree, and in fresh ones at their commits after cleanup", async () => {
    const flowId = await h.createFlow({
      name: "check arena",
      inputs: [],
      nodes: [
        {
          id: "build",
          kind: "arena",
          config: {
            prompt: "checked build",
            contestants: [{ profile: "demo" }, { profile: "demo" }],
            select: { mode: "check", command: ["test", "-f", demoFile("checked build")] },
          },
        },
      ],
      edges: [],
    });
    const started = await startRunOrThrow(h.db, { flowId, inputs: {}, repo, origin: "api" });
    let result = await h.drain(started.id);
    expect(result.status).toBe("succeeded");
    expect(step(result, "build")).toMatchObject({ winner: "build#0", resultCommit: step(result, "build#0").resultCommit });
    await worktreesGone(started.id);
    await rerunStepOrThrow(h.db, started.id, step(result, "build").id);
    result = await h.drain(started.id);
    expect(step(result, "build")).toMatchObject({ state: "succeeded", attempt: 2, winner: "build#0" });
    const fresh = path.join(runWorktreesDir(worktreesRoot(h.dataDir), started.id), "build.check-0-2");
    const [log] = await rows<{ data: { text: string } }>(
      h.db.orm,
      sql`select data from step_events where step_id = ${step(result, "build").id} and attempt = 2 and type = 'log-line'
          and data->>'text' like 'checking build#0%'`,
    );
    expect(log.data.text).toContain(fresh);
  });

  it("canceling a run ends its hanging code step and removes the run's worktrees", async () => {
    const worker = await h.startLoop();
    const flowId = await h.createFlow({ name: "hang", inputs: [], nodes: [agent("stuck", "never ends", { options: { hang: true } })], edges: [] });
    const started = await startRunOrThrow(h.db, { flowId, inputs: {}, repo, origin: "api" });
    const running = await waitFor(async () => {
      const current = await getRunOrThrow(h.db.orm, started.id);
      return step(current, "stuck").worktree && step(current, "stuck").state === "running" ? current : null;
    }, "the step to start in its worktree");
    expect(fs.existsSync(step(running, "stuck").worktree!)).toBe(true);
    await cancelRunOrThrow(h.db, started.id, h.dataDir);
    const ended = await waitFor(async () => {
      const current = await getRunOrThrow(h.db.orm, started.id);
      return current.status === "canceled" && current.counts.running === 0 ? current : null;
    }, "the run to be canceled");
    await worker.stop(0);
    expect(step(ended, "stuck")).toMatchObject({ state: "canceled", startCommit: started.baseCommit, branch: attemptRefName(started.id, "stuck", 1) });
    await worktreesGone(started.id);
    expect(await branches(started.id)).toEqual([attemptRefName(started.id, "stuck", 1)]);
  });

  it("the example flow on the bundled example repo shows a real diff on every step", async () => {
    const exampleRepo = await ensureExampleRepo(h.dataDir);
    const flowId = await h.createFlow(EXAMPLE_FLOW);
    const started = await startRunOrThrow(h.db, { flowId, inputs: { task: "Add a farewell" }, repo: exampleRepo, origin: "ui" });
    const result = await h.drain(started.id);
    expect(result.status).toBe("succeeded");
    const plan = step(result, "plan");
    const select = step(result, "build");
    const winner = step(result, select.winner!);
    const summary = step(result, "summary");
    expect(plan.diffStats).toMatchObject({ files: 1 });
    for (const key of ["build#0", "build#1"]) {
      expect(step(result, key)).toMatchObject({ startCommit: plan.resultCommit, diffStats: { files: 1 } });
    }
    expect(select).toMatchObject({ resultCommit: winner.resultCommit, diff: winner.diff });
    expect(summary.resultCommit).toBe(winner.resultCommit);
    expect(summary.diffStats).toMatchObject({ files: 2 });
    expect(summary.diff).toContain(demoFile(plan.prompt!));
    expect(summary.diff).toContain(demoFile(winner.prompt!));
  });
});
