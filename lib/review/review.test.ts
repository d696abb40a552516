// Approvals that can say no, and review rounds, through the real engine and dispatcher on real
// repositories; the session test drives the fake ACP agent as a real subprocess.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeAgentCommand } from "../agents/testing/fake-acp";
import { openHarness, type Harness } from "../engine/testing/harness";
import { createRepo, git, makeTempDir } from "../git/test-repos";
import { HttpError } from "../http/errors";
import { insertProfile } from "../profiles/repository";
import { getRunOrThrow, startRunOrThrow, type RunDetail } from "../runs/service";
import { answerWaitpointOrThrow, reviewStepOrThrow } from "./review-actions";
import { reviewBodySchema, type ReviewBody } from "./schemas";

const stepOf = (run: RunDetail, key: string) => {
  const found = run.steps.find((s) => s.key === key);
  if (!found) throw new Error(`no step ${key}`);
  return found;
};
const detailOf = (step: { detail: unknown }) => step.detail as Record<string, unknown>;
const errorOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
};
const body = (value: Partial<ReviewBody> & Pick<ReviewBody, "decision">): ReviewBody => reviewBodySchema.parse(value);

/** agent → approval → agent, all demo (the demo agent writes demo-<hash>.md per prompt). */
const GATED = {
  name: "gated",
  inputs: [],
  nodes: [
    { id: "build", kind: "agent", config: { profile: "demo", prompt: "build the feature", workspace: "code" } },
    { id: "gate", kind: "approval", config: { message: "Ship it?" } },
    { id: "after", kind: "agent", config: { profile: "demo", prompt: "after the gate", workspace: "code" } },
  ],
  edges: [
    { from: "build", to: "gate" },
    { from: "gate", to: "after" },
  ],
};

describe("approvals and review rounds", () => {
  let h: Harness;
  let dir: string;
  let n = 0;
  beforeAll(async () => {
    h = await openHarness("pglite");
    dir = await makeTempDir("baton-review");
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = async (document: unknown) => {
    const { repo } = await createRepo(path.join(dir, `repo-${++n}`), { "README.md": "# Project\n" });
    const flowId = await h.createFlow(document);
    const started = await startRunOrThrow(h.db, { flowId, inputs: {}, repo, origin: "api" });
    return { run: await h.drain(started.id), repo };
  };

  it("Reject fails the run with the reason and skips the steps after the approval; a reason is required", async () => {
    const { run } = await start(GATED);
    expect(run.status).toBe("waiting");
    const missing = await errorOf(reviewStepOrThrow(h.db, run.id, "gate", body({ decision: "reject" }), h.dataDir));
    expect(missing.status).toBe(400);
    expect(missing.issues[0].path).toBe("reason");
    const rejected = await reviewStepOrThrow(h.db, run.id, "gate", body({ decision: "reject", reason: "the change is too risky" }), h.dataDir);
    expect(rejected.status).toBe("failed");
    expect(rejected.error).toBe('step "gate" failed: rejected: the change is too risky');
    expect(stepOf(rejected, "gate")).toMatchObject({ state: "failed", error: "rejected: the change is too risky" });
    expect(stepOf(rejected, "after").state).toBe("skipped");
    // Only a waiting approval can be answered; a code step can't be approved.
    expect((await errorOf(reviewStepOrThrow(h.db, run.id, "gate", body({ decision: "approve" }), h.dataDir))).status).toBe(409);
    expect((await errorOf(reviewStepOrThrow(h.db, run.id, "build", body({ decision: "approve" }), h.dataDir))).status).toBe(409);
  });

  it("a waitpoint token answers its approval once, with no other credential", async () => {
    const { run } = await start(GATED);
    const token = detailOf(stepOf(run, "gate")).waitpoint as string;
    expect(token).toMatch(/^wp_[A-Za-z0-9_-]{43}$/);
    expect((await errorOf(answerWaitpointOrThrow(h.db, "wp_short", body({ decision: "approve" }), h.dataDir))).status).toBe(400);
    const answered = await answerWaitpointOrThrow(h.db, token, body({ decision: "approve" }), h.dataDir);
    expect(stepOf(answered, "gate").state).toBe("succeeded");
    expect((await errorOf(answerWaitpointOrThrow(h.db, token, body({ decision: "approve" }), h.dataDir))).status).toBe(404);
    expect((await h.drain(run.id)).status).toBe("succeeded");
  });

  it("Request changes on an approval: the upstream step runs again from its result commit with the comments, the approval waits again", async () => {
    const { run } = await start(GATED);
    const build = stepOf(run, "build");
    const file = build.diff!.match(/\+\+\+ b\/(\S+)/)![1];
    const wrongFile = await errorOf(
      reviewStepOrThrow(h.db, run.id, "gate", body({ decision: "request-changes", comments: [{ path: "nope.txt", line: 1, body: "x" }] }), h.dataDir),
    );
    expect(wrongFile.status).toBe(400);
    expect(wrongFile.issues[0].path).toBe("comments[0].path");
    expect(wrongFile.message).toContain(`changed: ${file}`);
    expect((await errorOf(reviewStepOrThrow(h.db, run.id, "gate", body({ decision: "request-changes" }), h.dataDir))).issues[0].path).toBe("comments");

    const asked = await reviewStepOrThrow(
      h.db,
      run.id,
      "gate",
      body({ decision: "request-changes", reason: "almost", comments: [{ path: file, line: 1, body: "Use a proper title here." }, { path: file, body: "Whole file: add tests." }] }),
      h.dataDir,
    );
    expect(asked.status).toBe("running");
    expect(stepOf(asked, "gate").state).toBe("pending");
    const round2 = await h.drain(run.id);
    const rebuilt = stepOf(round2, "build");
    expect(rebuilt.attempt).toBe(2);
    // From the reviewed commit, not from where round 1 started.
    expect(rebuilt.startCommit).toBe(build.resultCommit);
    expect(rebuilt.prompt).toContain("build the feature");
    expect(rebuilt.prompt).toContain("Review round 1");
    expect(rebuilt.prompt).toContain(`1. ${file}, line 1\n\`\`\`diff\n@@ -0,0 +1,`);
    expect(rebuilt.prompt).toContain("> Use a proper title here.");
    expect(rebuilt.prompt).toContain(`2. ${file} (whole file)\n> Whole file: add tests.`);
    expect(rebuilt.prompt).toContain("Reviewer's note: almost");
    // The round is on the attempt (the timeline shows its comments).
    const review = detailOf(rebuilt).review as { round: number; reviewedAttempt: number; comments: Array<{ path: string; line?: number; hunk: string | null }> };
    expect(review).toMatchObject({ round: 1, reviewedAttempt: 1 });
    expect(review.comments.map((c) => [c.path, c.line ?? null, c.hunk !== null])).toEqual([[file, 1, true], [file, null, false]]);
    expect(stepOf(round2, "gate")).toMatchObject({ state: "waiting", attempt: 2 });
    expect(detailOf(stepOf(round2, "gate")).waitpoint).not.toBe(detailOf(stepOf(run, "gate")).waitpoint);
    const approved = await reviewStepOrThrow(h.db, run.id, "gate", body({ decision: "approve" }), h.dataDir);
    expect(approved.status).toBe("running");
    const done = await h.drain(run.id);
    expect(done.status).toBe("succeeded");
    expect(stepOf(done, "after").startCommit).toBe(rebuilt.resultCommit);
  });

  it("Request changes on a code step of a finished run re-runs it and the steps after it", async () => {
    const { run, repo } = await start({
      name: "chain",
      inputs: [],
      nodes: [
        { id: "one", kind: "agent", config: { profile: "demo", prompt: "first", workspace: "code" } },
        { id: "two", kind: "agent", config: { profile: "demo", prompt: "second", workspace: "code" } },
      ],
      edges: [{ from: "one", to: "two" }],
    });
    expect(run.status).toBe("succeeded");
    const one = stepOf(run, "one");
    const file = one.diff!.match(/\+\+\+ b\/(\S+)/)![1];
    await reviewStepOrThrow(h.db, run.id, "one", body({ decision: "request-changes", comments: [{ path: file, line: 2, body: "Say more." }] }), h.dataDir);
    const done = await h.drain(run.id);
    expect(done.status).toBe("succeeded");
    expect(stepOf(done, "one")).toMatchObject({ attempt: 2, startCommit: one.resultCommit });
    expect(stepOf(done, "two").attempt).toBe(2);
    expect(stepOf(done, "two").startCommit).toBe(stepOf(done, "one").resultCommit);
    expect(await git(repo, "cat-file", "-t", stepOf(done, "two").resultCommit!)).toBe("commit");
    // A plain re-run afterwards is not a round: no comments in its prompt.
    const { rerunStepOrThrow } = await import("../runs/service");
    await rerunStepOrThrow(h.db, run.id, "one");
    const plain = await h.drain(run.id);
    expect(stepOf(plain, "one").prompt).toBe("first");
  });

  it("a step reset below a later round forgets its own earlier review comments", async () => {
    const { run } = await start({
      name: "chain2",
      inputs: [],
      nodes: [
        { id: "one", kind: "agent", config: { profile: "demo", prompt: "first", workspace: "code" } },
        { id: "two", kind: "agent", config: { profile: "demo", prompt: "second", workspace: "code" } },
      ],
      edges: [{ from: "one", to: "two" }],
    });
    const fileOf = (r: RunDetail, key: string) => stepOf(r, key).diff!.match(/\+\+\+ b\/(\S+)/)![1];
    await reviewStepOrThrow(h.db, run.id, "two", body({ decision: "request-changes", comments: [{ path: fileOf(run, "two"), body: "on two" }] }), h.dataDir);
    const reviewed = await h.drain(run.id);
    expect(stepOf(reviewed, "two").prompt).toContain("> on two");
    await reviewStepOrThrow(h.db, run.id, "one", body({ decision: "request-changes", comments: [{ path: fileOf(reviewed, "one"), body: "on one" }] }), h.dataDir);
    const again = await h.drain(run.id);
    expect(stepOf(again, "one").prompt).toContain("> on one");
    expect(stepOf(again, "two")).toMatchObject({ attempt: 3, prompt: "second" });
    // The attempt that answered the comments on two keeps them.
    expect(stepOf(again, "two").attempts.find((a) => a.attempt === 2)?.detail).toMatchObject({ review: { round: 1 } });
  });

  it("a review round continues the ACP agent's session (session/load) and the agent sees the comments", async () => {
    const sessions = path.join(dir, "sessions");
    await insertProfile(h.db.orm, {
      id: "fake-sessions",
      backend: "acp",
      label: "fake with sessions",
      enabled: true,
      config: { command: fakeAgentCommand({ sessions, steps: [{ op: "disk-write", path: "feature.txt", content: "one\ntwo\nthree\n" }, { op: "echo-prompt" }] }) },
    });
    const { run } = await start({
      name: "acp review",
      inputs: [],
      nodes: [{ id: "code", kind: "agent", config: { profile: "fake-sessions", prompt: "write feature.txt", workspace: "code" } }],
      edges: [],
    });
    expect(run.status).toBe("succeeded");
    const first = stepOf(run, "code");
    const sessionId = detailOf(first).sessionId as string;
    expect(sessionId).toMatch(/^fake-/);
    expect(detailOf(first).sessionLoaded).toBe(false);
    expect(first.output).toContain("[prompt write feature.txt]");

    await reviewStepOrThrow(h.db, run.id, "code", body({ decision: "request-changes", comments: [{ path: "feature.txt", line: 2, body: "two should be 2" }] }), h.dataDir);
    const done = await getRunOrThrow(h.db.orm, (await h.drain(run.id)).id);
    const second = stepOf(done, "code");
    expect(second.attempt).toBe(2);
    expect(second.detail).toMatchObject({ sessionId, sessionLoaded: true });
    // The same session, its second turn; the replayed history is not this attempt's output.
    expect(second.output).not.toContain("[replayed answer");
    // A continued session is sent the review alone: file, line, the hunk and the comment.
    const [, sent] = /\[prompt ([\s\S]*)\]$/.exec(second.output!)!;
    expect(sent).not.toContain("write feature.txt");
    expect(sent).toContain("Review round 1");
    expect(sent).toContain("1. feature.txt, line 2\n```diff\n@@ -0,0 +1,3 @@\n+one\n+two\n+three\n```\n> two should be 2");
    const events = await import("drizzle-orm").then(({ sql }) =>
      import("../db/client").then(({ rows }) => rows<{ data: { text: string } }>(h.db.orm, sql`select data from step_events where step_id = ${second.id} and attempt = 2 and type = 'text-chunk'`)),
    );
    expect(events.map((e) => e.data.text).join("")).toContain(`[session ${sessionId} turn 2]`);
  });
});
