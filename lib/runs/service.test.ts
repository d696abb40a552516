// The run service end to end with the real dispatcher worker and the real engine, on the
// embedded PGlite and on a Postgres server.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDetailSchema, runPageSchema } from "../contract/run";
import { rows } from "../db/client";
import { EXAMPLE_FLOW } from "../flow/example";
import { LEASE_LOSS_LIMIT } from "../dispatch/rescue-expired";
import { HttpError } from "../http/errors";
import { openHarness, waitFor, type Driver, type Harness } from "../engine/testing/harness";
import {
  approveStepOrThrow,
  cancelRunOrThrow,
  getRunOrThrow,
  listRuns,
  readRunSnapshotOrThrow,
  rerunRunOrThrow,
  rerunStepOrThrow,
  selectWinnerOrThrow,
  startRunOrThrow,
  type RunDetail,
} from "./service";

const step = (run: RunDetail, key: string) => run.steps.find((s) => s.key === key)!;
const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  return { code: (error as HttpError).code, message: (error as HttpError).message };
};

describe.each<Driver>(["pglite", "postgres"])("run service on %s", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(async () => {
    await h.close();
  });

  it("runs the example flow to success with every output, winner, file and usage", async () => {
    const flowId = await h.createFlow(EXAMPLE_FLOW);
    const started = await startRunOrThrow(h.db, { flowId, inputs: { task: "Add a greeting" }, origin: "api" });
    expect(started.status).toBe("running");
    expect(started.steps.map((s) => [s.key, s.state])).toEqual([
      ["plan", "ready"],
      ["build#0", "pending"],
      ["build#1", "pending"],
      ["build", "pending"],
      ["summary", "pending"],
    ]);
    const run = await h.drain(started.id);
    expect(run.status).toBe("succeeded");
    expect(run.finishedAt).not.toBeNull();
    expect(step(run, "plan").output).toContain("Task: Write a short plan for: Add a greeting. Save it as PLAN.md");
    expect(step(run, "plan").prompt).toBe("Write a short plan for: Add a greeting. Save it as PLAN.md in the repository root.");
    const select = step(run, "build");
    expect(["build#0", "build#1"]).toContain(select.winner);
    expect(select.output).toBe(step(run, select.winner!).output);
    expect(step(run, "build#0").prompt).toContain(step(run, "plan").output!);
    expect(step(run, "summary").output).toBe(`## build\n\n${select.output!.trim()}`);
    // Without a repo the demo agent wrote its file into the step's scratch workspace, which
    // goes once the run has ended.
    const worktree = step(run, "plan").worktree!;
    expect(worktree.startsWith(path.join(h.dataDir, "scratch", run.id))).toBe(true);
    const [edit] = await rows<{ data: { locations: string[] } }>(
      h.db.orm,
      sql`select data from step_events where step_id = ${step(run, "plan").id} and type = 'tool-call'`,
    );
    expect(edit.data.locations[0]).toMatch(/^demo-[0-9a-f]{8}\.md$/);
    await waitFor(async () => !fs.existsSync(path.join(h.dataDir, "scratch", run.id)), "scratch dirs removed");
    expect(run.usage.inputTokens).toBeGreaterThan(0);
    // The wire contract: the JSON the route sends is exactly what the browser's schema reads.
    const wire = JSON.parse(JSON.stringify(run));
    expect(runDetailSchema.parse(wire)).toEqual(wire);
    expect(wire.steps.every((s: { attempts: Array<{ stepId: string }>; id: string }) => s.attempts.every((a) => a.stepId === s.id))).toBe(true);
    expect(step(run, "plan").attempts.map((a) => [a.attempt, a.state])).toEqual([[1, "succeeded"]]);
    // The select step's completion event names its winner (a live page needs no refetch for it).
    const [selected] = await rows<{ data: { state: string; winner?: string } }>(
      h.db.orm,
      sql`select data from step_events where step_id = ${select.id} and type = 'step-state' order by id desc limit 1`,
    );
    expect(selected.data).toMatchObject({ state: "succeeded", winner: select.winner });
    // The snapshot names the last event it reflects.
    const [last] = await rows<{ id: number | string }>(h.db.orm, sql`select max(id) as id from step_events where run_id = ${run.id}`);
    expect((await readRunSnapshotOrThrow(h.db.orm, run.id)).eventCursor).toBe(Number(last.id));
    const events = await rows<{ type: string }>(h.db.orm, sql`select distinct type from step_events where run_id = ${run.id}`);
    expect(events.map((e) => e.type).sort()).toEqual(expect.arrayContaining(["run-state", "step-state", "text-chunk", "tool-call", "usage-report"]));
    const listed = await listRuns(h.db.orm, { flow: flowId });
    expect(runPageSchema.parse(JSON.parse(JSON.stringify(listed)))).toEqual(JSON.parse(JSON.stringify(listed)));
    expect(listed.runs[0]).toMatchObject({ id: run.id, flowName: EXAMPLE_FLOW.name, status: "succeeded", counts: { total: 5, failed: 0 } });
  });

  it("a failTimes step fails the run and skips its descendants; re-running it succeeds with both attempts kept", async () => {
    const flowId = await h.createFlow({
      name: "fail once",
      inputs: [],
      nodes: [
        { id: "a", kind: "agent", config: { profile: "demo", prompt: "first" } },
        { id: "b", kind: "agent", config: { profile: "demo", prompt: "then {{steps.a.output}}", options: { failTimes: 1 } } },
        { id: "c", kind: "fold", config: { mode: "concat" } },
        { id: "side", kind: "agent", config: { profile: "demo", prompt: "independent" } },
      ],
      edges: [
        { from: "a", to: "b" },
        { from: "b", to: "c" },
      ],
    });
    const { id } = await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" });
    let run = await h.drain(id);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/step "b" failed: demo agent: scripted failure on attempt 1/);
    expect(run.steps.map((s) => [s.key, s.state])).toEqual([
      ["a", "succeeded"],
      ["b", "failed"],
      ["c", "skipped"],
      ["side", "succeeded"],
    ]);
    expect((await codeOf(rerunStepOrThrow(h.db, id, step(run, "c").id))).code).toBe("conflict");
    run = await rerunStepOrThrow(h.db, id, step(run, "b").id);
    expect(run.status).toBe("running");
    expect(step(run, "b").state).toBe("ready");
    expect(step(run, "c").state).toBe("pending");
    // The reset is announced as one: a live page clears the old results without a refetch.
    const resets = await rows<{ key: string; data: Record<string, unknown> }>(
      h.db.orm,
      sql`select s.key, e.data from step_events e join steps s on s.id = e.step_id
          where e.run_id = ${id} and e.type = 'step-state' and e.data ? 'reset' order by s.key`,
    );
    expect(resets.map((r) => [r.key, r.data.state, r.data.reset])).toEqual([
      ["b", "ready", true],
      ["c", "pending", true],
    ]);
    run = await h.drain(id);
    expect(run.status).toBe("succeeded");
    // The history marks it as succeeded after a person's re-run.
    expect((await listRuns(h.db.orm, { flow: flowId })).runs[0]).toMatchObject({ id, stepReruns: 1, status: "succeeded" });
    expect(step(run, "a").attempt).toBe(1);
    expect(step(run, "b").attempts.map((a) => [a.attempt, a.state])).toEqual([
      [1, "failed"],
      [2, "succeeded"],
    ]);
    expect(step(run, "b").attempts[0].error).toMatch(/scripted failure/);
    expect(step(run, "c").output).toContain(step(run, "b").output!.trim());
  });

  it("re-runs a step with an edited prompt; refuses bad ids, bodies and states", async () => {
    const flowId = await h.createFlow({
      name: "edit",
      inputs: [{ name: "task", required: true }],
      nodes: [
        { id: "a", kind: "agent", config: { profile: "demo", prompt: "one {{inputs.task}}" } },
        { id: "b", kind: "check", config: { command: ["true"] } },
      ],
      edges: [{ from: "a", to: "b" }],
    });
    expect((await codeOf(startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" }))).message).toMatch(/inputs.task: required input "task" is missing/);
    expect((await codeOf(startRunOrThrow(h.db, { flowId, inputs: { task: "x", extra: "y" }, origin: "api" }))).code).toBe("validation_failed");
    expect((await codeOf(startRunOrThrow(h.db, { flowId: "flow_nope", inputs: {}, origin: "api" }))).code).toBe("not_found");
    expect((await codeOf(startRunOrThrow(h.db, { flowId, inputs: { task: "x" }, version: 9, origin: "api" }))).code).toBe("not_found");
    const { id } = await startRunOrThrow(h.db, { flowId, inputs: { task: "x" }, origin: "api" });
    const running = await getRunOrThrow(h.db.orm, id);
    expect((await codeOf(rerunStepOrThrow(h.db, id, step(running, "a").id))).message).toMatch(/cannot re-run a ready step/);
    let run = await h.drain(id);
    expect(run.status).toBe("succeeded");
    expect((await codeOf(rerunStepOrThrow(h.db, id, "step_nope"))).code).toBe("not_found");
    expect((await codeOf(rerunStepOrThrow(h.db, "run_nope", "a"))).code).toBe("not_found");
    expect((await codeOf(rerunStepOrThrow(h.db, id, "b", { prompt: "x" }))).message).toMatch(/prompt: step "b" \(check\) runs no agent prompt/);
    expect((await codeOf(rerunStepOrThrow(h.db, id, "a", { profile: "ghost" }))).message).toMatch(/profile: unknown profile "ghost"/);
    expect((await codeOf(rerunStepOrThrow(h.db, id, "a", { prompt: "{{inputs.nope}}" }))).code).toBe("validation_failed");
    // The flow validator's reference rule: a step downstream of "a" (or "a" itself) has no
    // output when "a" runs, so an edited prompt may not refer to it.
    const downstream = await codeOf(rerunStepOrThrow(h.db, id, "a", { prompt: "after {{steps.b.output}}" }));
    expect(downstream).toEqual({ code: "validation_failed", message: expect.stringMatching(/prompt: \{\{steps\.b\.output\}\} refers to "b", which is not upstream of "a"/) });
    expect((await codeOf(rerunStepOrThrow(h.db, id, "a", { prompt: "{{steps.a.output}}" }))).message).toMatch(/not upstream of "a"/);
    expect((await codeOf(rerunStepOrThrow(h.db, id, "a", { prompt: "{{steps.zz.output}}" }))).message).toMatch(/unknown step "zz"/);
    expect((await codeOf(rerunStepOrThrow(h.db, id, "a", { prompt: "{{steps.b.contestants}}" }))).message).toMatch(/not upstream/);
    // A re-run starts the count of lost workers again (rescue-expired's LEASE_LOSS_LIMIT).
    await rows(h.db.orm, sql`update steps set lease_losses = ${LEASE_LOSS_LIMIT} where run_id = ${id} and key = 'a'`);
    run = await rerunStepOrThrow(h.db, id, "a", { prompt: "two {{inputs.task}}" });
    const [losses] = await rows<{ n: number }>(h.db.orm, sql`select lease_losses as n from steps where run_id = ${id} and key = 'a'`);
    expect(losses.n).toBe(0);
    run = await h.drain(id);
    expect(step(run, "a").prompt).toBe("two x");
    expect(step(run, "a").attempts.map((a) => a.prompt)).toEqual(["one x", "two x"]);
    expect(step(run, "b").attempts).toHaveLength(2);
    const again = await rerunRunOrThrow(h.db, id, { version: "original" });
    expect(again).toMatchObject({ parentRunId: id, inputs: { task: "x" }, flowVersion: 1 });
    expect((await h.drain(again.id)).status).toBe("succeeded");
  });

  it("approval and manual select wait for a person; bad winners are refused", async () => {
    const flowId = await h.createFlow({
      name: "people",
      inputs: [],
      nodes: [
        {
          id: "build",
          kind: "arena",
          config: { prompt: "build it", contestants: [{ profile: "demo" }, { profile: "demo", options: { failTimes: 5 } }], select: { mode: "manual" } },
        },
        { id: "ok", kind: "approval", config: { message: "ship it?" } },
        { id: "after", kind: "agent", config: { profile: "demo", prompt: "after {{steps.build.contestants}}" } },
      ],
      edges: [
        { from: "build", to: "ok" },
        { from: "ok", to: "after" },
      ],
    });
    const { id } = await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "ui" });
    let run = await h.drain(id);
    expect(run.status).toBe("waiting");
    expect(step(run, "build").state).toBe("waiting");
    expect((await codeOf(approveStepOrThrow(h.db, id, "build"))).message).toMatch(/not an approval/);
    expect((await codeOf(selectWinnerOrThrow(h.db, id, "build", 1))).message).toMatch(/only a contestant that succeeded/);
    expect((await codeOf(selectWinnerOrThrow(h.db, id, "build", "other#0"))).code).toBe("validation_failed");
    run = await selectWinnerOrThrow(h.db, id, step(run, "build").id, "build#0");
    expect(step(run, "build")).toMatchObject({ state: "succeeded", winner: "build#0", output: step(run, "build#0").output });
    run = await h.drain(id);
    expect(run.status).toBe("waiting");
    expect(step(run, "ok").state).toBe("waiting");
    run = await approveStepOrThrow(h.db, id, "ok");
    run = await h.drain(id);
    expect(run.status).toBe("succeeded");
    expect(step(run, "ok").attempts.map((a) => a.state)).toEqual(["succeeded"]);
    expect(step(run, "after").prompt).toContain("### Contestant build#0 (profile demo, succeeded) — winner");
    expect(step(run, "after").prompt).toContain("### Contestant build#1 (profile demo, failed)");
  });

  it("judge and check selects pick winners; a malformed verdict or no passing check fails the select clearly", async () => {
    await rows(h.db.orm, sql`insert into agent_profiles (id, backend, config) values ('demo-vague', 'demo', '{"text": "Both look fine to me."}') on conflict do nothing`);
    const arena = (id: string, select: Record<string, unknown>) => ({
      name: id,
      inputs: [],
      nodes: [{ id: "build", kind: "arena", config: { prompt: `build ${id}`, contestants: [{ profile: "demo" }, { profile: "demo" }], select } }],
      edges: [],
    });
    const judged = await h.drain((await startRunOrThrow(h.db, { flowId: await h.createFlow(arena("judge", { mode: "judge", profile: "demo" })), inputs: {}, origin: "api" })).id);
    expect(judged.status).toBe("succeeded");
    expect(step(judged, "build").winner).toBe("build#0");
    expect(step(judged, "build").prompt).toContain("Answer with the winning contestant's id");
    const vague = await h.drain((await startRunOrThrow(h.db, { flowId: await h.createFlow(arena("vague", { mode: "judge", profile: "demo-vague" })), inputs: {}, origin: "api" })).id);
    expect(vague.status).toBe("failed");
    expect(step(vague, "build").error).toMatch(/the judge's answer names no contestant \(expected one of build#0, build#1\): "Both look fine to me."/);
    const checked = await h.drain(
      (await startRunOrThrow(h.db, { flowId: await h.createFlow(arena("check", { mode: "check", command: ["sh", "-c", "ls demo-*.md"] })), inputs: {}, origin: "api" })).id,
    );
    expect(checked.status).toBe("succeeded");
    expect(step(checked, "build").winner).toBe("build#0");
    const refused = await h.drain(
      (await startRunOrThrow(h.db, { flowId: await h.createFlow(arena("nopass", { mode: "check", command: ["sh", "-c", "echo nope >&2; exit 3"] })), inputs: {}, origin: "api" })).id,
    );
    expect(refused.status).toBe("failed");
    expect(step(refused, "build").error).toBe("no contestant passed the check (build#0 exited 3, build#1 exited 3)");
  });

  it("check nodes run argv in the upstream worktree and capture output; a failing one fails the run", async () => {
    const flowId = await h.createFlow({
      name: "checks",
      inputs: [],
      nodes: [
        { id: "a", kind: "agent", config: { profile: "demo", prompt: "write" } },
        { id: "ls", kind: "check", config: { command: ["sh", "-c", "ls; echo warn >&2"] } },
        { id: "bad", kind: "check", config: { command: ["sh", "-c", "echo broken >&2; exit 2"] } },
        { id: "missing", kind: "check", config: { command: ["baton-no-such-binary"] } },
      ],
      edges: [
        { from: "a", to: "ls" },
        { from: "a", to: "bad" },
      ],
    });
    const run = await h.drain((await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" })).id);
    expect(run.status).toBe("failed");
    expect(step(run, "ls").state).toBe("succeeded");
    expect(step(run, "ls").output).toMatch(/demo-[0-9a-f]{8}\.md\n.*warn/s);
    expect(step(run, "ls").detail).toMatchObject({ exitCode: 0, cwd: step(run, "a").worktree });
    expect(step(run, "bad").error).toBe("sh -c echo broken >&2; exit 2 exited with code 2: broken");
    expect(step(run, "missing").error).toBe("command not found: baton-no-such-binary");
  });

  it("retries a failing step within its retry limit and fails a timed-out one", async () => {
    const flowId = await h.createFlow({
      name: "limits",
      inputs: [],
      nodes: [
        { id: "flaky", kind: "agent", config: { profile: "demo", prompt: "flaky", retries: 1, options: { failTimes: 1 } } },
        { id: "slow", kind: "agent", config: { profile: "demo", prompt: "slow", timeoutSec: 1, options: { hang: true } } },
      ],
      edges: [],
    });
    const run = await h.drain((await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" })).id);
    expect(step(run, "flaky")).toMatchObject({ state: "succeeded", attempt: 2 });
    expect(step(run, "flaky").attempts.map((a) => a.state)).toEqual(["failed", "succeeded"]);
    expect(step(run, "slow")).toMatchObject({ state: "failed", error: expect.stringMatching(/timed out/) });
    expect(run.status).toBe("failed");
  });

  it("pins a run to its repository's real path and base commit; refuses bad repos naming the field", async () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), "baton-run-repo-"));
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
    git("init", "-q");
    fs.writeFileSync(path.join(repo, "README.md"), "hi\n");
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "init");
    const flowId = await h.createFlow({ name: "repo", inputs: [], nodes: [{ id: "a", kind: "check", config: { command: ["true"] } }], edges: [] });
    const run = await startRunOrThrow(h.db, { flowId, inputs: {}, repo, baseRef: "HEAD", origin: "api" });
    expect(run).toMatchObject({ repo: fs.realpathSync(repo), baseRef: "HEAD", baseCommit: git("rev-parse", "HEAD") });
    const notGit = fs.mkdtempSync(path.join(os.tmpdir(), "baton-not-git-"));
    for (const [body, field] of [
      [{ repo: notGit }, "repo"],
      [{ repo: "relative/dir" }, "repo"],
      [{ repo: "no-such-name" }, "repo"],
      [{ repo, baseRef: "no-such-branch" }, "baseRef"],
      [{ baseRef: "main" }, "baseRef"],
    ] as const) {
      const error = await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api", ...body }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).issues[0].path).toBe(field);
    }
    await h.drain(run.id);
    // A repository name from this process's BATON_REPO_MAP: stored as the name; its steps
    // require the workers' "repo:<name>" tag.
    const saved = process.env.BATON_REPO_MAP;
    process.env.BATON_REPO_MAP = `app=${repo}`;
    try {
      const named = await startRunOrThrow(h.db, { flowId, inputs: {}, repo: "app", origin: "api" });
      expect(named).toMatchObject({ repo: "app", baseCommit: git("rev-parse", "HEAD") });
      const tags = await rows<{ tags: string[] }>(h.db.orm, sql`select required_tags as tags from steps where run_id = ${named.id}`);
      expect(tags.map((t) => t.tags)).toEqual([["repo:app"]]);
      await cancelRunOrThrow(h.db, named.id);
    } finally {
      if (saved === undefined) delete process.env.BATON_REPO_MAP;
      else process.env.BATON_REPO_MAP = saved;
    }
    fs.rmSync(repo, { recursive: true, force: true });
    fs.rmSync(notGit, { recursive: true, force: true });
  });

  it("lists runs newest first with keyset paging and filters", async () => {
    const flowId = await h.createFlow({ name: "paging", inputs: [], nodes: [{ id: "a", kind: "check", config: { command: ["true"] } }], edges: [] });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" })).id);
    const first = await listRuns(h.db.orm, { flow: flowId, limit: 2 });
    expect(first.runs.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    const second = await listRuns(h.db.orm, { flow: flowId, limit: 2, cursor: first.nextCursor! });
    const third = await listRuns(h.db.orm, { flow: flowId, limit: 2, cursor: second.nextCursor! });
    expect([...second.runs, ...third.runs].map((r) => r.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(third.nextCursor).toBeNull();
    expect((await listRuns(h.db.orm, { flow: flowId, status: "succeeded" })).runs).toEqual([]);
    expect((await codeOf(listRuns(h.db.orm, { cursor: "bm9wZQ" }))).code).toBe("validation_failed");
    // Search: every word must appear in the id, the flow's name or an input's value.
    const searched = await h.createFlow({ name: "paging search", inputs: [{ name: "task" }], nodes: [{ id: "a", kind: "check", config: { command: ["true"] } }], edges: [] });
    const tagged = await startRunOrThrow(h.db, { flowId: searched, inputs: { task: "Fix the 100%_odd bug" }, origin: "api" });
    const ids2 = async (q: string) => (await listRuns(h.db.orm, { q })).runs.map((r) => r.id).filter((id) => id === tagged.id || ids.includes(id));
    expect(await ids2("100%_ODD")).toEqual([tagged.id]);
    expect(await ids2("fix SEARCH")).toEqual([tagged.id]);
    expect(await ids2("0%o")).toEqual([]);
    expect(await ids2(ids[1])).toEqual([ids[1]]);
    expect(await ids2("task")).toEqual([]);
    expect((await listRuns(h.db.orm, { flow: searched, q: "Fix" })).runs[0]).toMatchObject({ inputs: { task: "Fix the 100%_odd bug" }, parentRunId: null, stepReruns: 0 });
    await h.drain(tagged.id);
    await h.drain(ids[0]);
  });

  it("fails a step on a disabled profile at once, without spending its retries", async () => {
    await rows(h.db.orm, sql`insert into agent_profiles (id, backend, config) values ('demo-off', 'demo', '{}') on conflict do nothing`);
    const flowId = await h.createFlow({
      name: "disabled",
      inputs: [],
      nodes: [{ id: "a", kind: "agent", config: { profile: "demo-off", prompt: "x", retries: 2 } }],
      edges: [],
    });
    // Disabled after the run started (a run's start refuses a disabled profile: profile-check.test.ts).
    const started = await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" });
    await rows(h.db.orm, sql`update agent_profiles set enabled = false where id = 'demo-off'`);
    const run = await h.drain(started.id);
    expect(step(run, "a")).toMatchObject({ state: "failed", attempt: 1, error: 'agent profile "demo-off" is disabled' });
    expect(run.status).toBe("failed");
  });

  it("cancel stops a hanging step and ends the run canceled; a finished run can't be canceled", async () => {
    const flowId = await h.createFlow({
      name: "hang",
      inputs: [],
      nodes: [
        { id: "hang", kind: "agent", config: { profile: "demo", prompt: "wait", options: { hang: true } } },
        { id: "next", kind: "agent", config: { profile: "demo", prompt: "never" } },
      ],
      edges: [{ from: "hang", to: "next" }],
    });
    const worker = await h.startLoop();
    const { id } = await startRunOrThrow(h.db, { flowId, inputs: {}, origin: "api" });
    // The rendered prompt is visible while the step still runs (it hangs: no completion yet).
    await waitFor(async () => {
      const hanging = step(await getRunOrThrow(h.db.orm, id), "hang");
      return hanging.state === "running" && hanging.prompt === "wait";
    }, "the step to run with its prompt recorded");
    const canceled = await cancelRunOrThrow(h.db, id);
    expect(canceled.status).toBe("canceled");
    expect(step(canceled, "next").state).toBe("canceled");
    const run = await waitFor(async () => {
      const r = await getRunOrThrow(h.db.orm, id);
      return r.finishedAt !== null && r;
    }, "the run to finish");
    expect(step(run, "hang").state).toBe("canceled");
    expect(run.status).toBe("canceled");
    await worker.stop(0);
    expect((await codeOf(cancelRunOrThrow(h.db, id))).message).toMatch(/already canceled/);
    expect(path.isAbsolute(h.dataDir)).toBe(true);
  });
});
