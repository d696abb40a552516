/**
 * End-to-end tests of the acp backend against the fake agent, a real subprocess speaking
 * ACP through the SDK's agent side (fake-agent.ts).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test, vi } from "vitest";
import { fakeAgentCommand } from "../testing/fake-acp";
import { recordedTask, waitForEvent } from "../testing/task";
import { AgentError } from "../types";
import { acpBackend } from "./backend";

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "baton-acp-test-")));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));
let counter = 0;
function worktree(): string {
  const dir = path.join(base, `wt-${++counter}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "README.md"), "hello\nworld\n");
  return dir;
}

/** Alive and not a zombie (a zombie has exited; only its parent hasn't reaped it yet). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** What the fake agent received from the client (its wireLog), in order. */
function wireMessages(file: string): { method: string; params: unknown }[] {
  return fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { method: string; params: unknown });
}

async function runExpectingError(run: Promise<unknown>): Promise<AgentError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AgentError);
  return error as AgentError;
}

describe("acp backend with the fake agent", () => {
  test("streams chunks, thoughts, tool calls, plans and usage; writes through fs and to disk", async () => {
    const cwd = worktree();
    const r = recordedTask({
      cwd,
      prompt: "make the change",
      env: { BATON_TEST_TASK_VAR: "from-task" },
      options: {
        command: fakeAgentCommand({
          steps: [
            { op: "thought", text: "thinking…" },
            { op: "plan", entries: [{ content: "edit", status: "in_progress" }] },
            { op: "chunk", text: "Editing. " },
            { op: "tool-call", id: "t1", title: "Edit a.ts", kind: "edit", locations: ["src/a.ts"], diff: { path: "src/a.ts", oldText: null, newText: "export const a = 1;\n" } },
            { op: "write", path: "src/a.ts", content: "export const a = 1;\n" },
            { op: "tool-update", id: "t1", status: "completed" },
            { op: "disk-write", path: "direct.txt", content: "written directly\n" },
            { op: "read", path: "README.md", line: 2, limit: 1 },
            { op: "env", name: "BATON_TEST_TASK_VAR" },
            { op: "env", name: "BATON_TEST_PROFILE_VAR" },
            { op: "stderr", text: "agent log line" },
            { op: "usage", used: 1200, size: 100000, costUsd: 0.02 },
            { op: "unknown-update" },
            { op: "chunk", text: "Done." },
          ],
          promptUsage: { inputTokens: 1000, outputTokens: 200, totalTokens: 1200 },
        }),
        mode: "yolo",
        env: { BATON_TEST_PROFILE_VAR: "$HOME" },
      },
    });
    const result = await acpBackend.run(r.task);

    expect(result.stopReason).toBe("end_turn");
    expect(result.usage).toEqual({ inputTokens: 1000, outputTokens: 200, totalTokens: 1200, costUsd: 0.02, contextTokens: 1200 });
    // The output is the final answer (after the last tool call); the transcript has it all.
    expect(result.output).toBe(
      `[write src/a.ts: ok][disk-write direct.txt: ok][read README.md: ok "world"]` +
        `[env BATON_TEST_TASK_VAR: ok from-task][env BATON_TEST_PROFILE_VAR: ok ${process.env.HOME}]Done.`,
    );
    expect(r.text()).toBe(`[mode yolo]Editing. ${result.output}`);
    expect(fs.readFileSync(path.join(cwd, "src/a.ts"), "utf8")).toBe("export const a = 1;\n");
    expect(fs.readFileSync(path.join(cwd, "direct.txt"), "utf8")).toBe("written directly\n");

    const types = r.events.filter((e) => e.type !== "log-line" && e.type !== "text-chunk").map((e) => e.type);
    expect(types).toEqual(["thought-chunk", "plan", "tool-call", "tool-call-update", "usage-report"]);
    expect(r.events.find((e) => e.type === "tool-call")).toEqual({
      type: "tool-call",
      toolCallId: "t1",
      title: "Edit a.ts",
      kind: "edit",
      status: "pending",
      locations: [path.join(cwd, "src/a.ts")],
      content: [{ type: "diff", path: path.join(cwd, "src/a.ts"), oldText: null, newText: "export const a = 1;\n" }],
      rawInput: { locations: ["src/a.ts"] },
    });
    expect(r.logs("stderr")).toContain("agent log line");
    // The prompt echo (user_message_chunk) is not agent output.
    expect(r.text()).not.toContain("make the change");
  });

  test("refuses reads and writes outside the worktree, including symlink escapes", async () => {
    const cwd = worktree();
    const outside = path.join(base, `outside-${counter}`);
    fs.mkdirSync(outside);
    const r = recordedTask({
      cwd,
      options: {
        command: fakeAgentCommand({
          steps: [
            { op: "read", path: "/etc/passwd" },
            { op: "write", path: "../escaped.txt", content: "x" },
            { op: "symlink", path: "sneaky", target: outside },
            { op: "write", path: "sneaky/through-link.txt", content: "x" },
            { op: "symlink", path: "passwd-link", target: "/etc/passwd" },
            { op: "read", path: "passwd-link" },
            { op: "write", path: "inside.txt", content: "fine" },
          ],
        }),
      },
    });
    const result = await acpBackend.run(r.task);

    expect(result.output).toMatch(/\[read \/etc\/passwd: error [^\]]*outside the worktree/);
    expect(result.output).toMatch(/\[write \.\.\/escaped\.txt: error [^\]]*outside the worktree/);
    expect(result.output).toMatch(/\[write sneaky\/through-link\.txt: error [^\]]*outside the worktree/);
    expect(result.output).toMatch(/\[read passwd-link: error [^\]]*resolves to \/etc\/passwd/);
    expect(result.output).toContain("[write inside.txt: ok]");
    expect(result.output).not.toContain("root:");
    expect(fs.existsSync(path.join(base, "escaped.txt"))).toBe(false);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(r.logs("info").filter((l) => l.includes("refused"))).toHaveLength(4);
  });

  test("answers permission requests by policy, choosing options by kind", async () => {
    const steps = [
      { op: "permission" as const, id: "inside", title: "edit inside", locations: ["src/x.ts"] },
      { op: "permission" as const, id: "outside", title: "edit outside", locations: ["../x.ts"] },
      { op: "permission" as const, id: "shell", title: "run rm -rf", locations: [] },
    ];
    const worktreePolicy = await acpBackend.run(recordedTask({ cwd: worktree(), options: { command: fakeAgentCommand({ steps }) } }).task);
    expect(worktreePolicy.output).toBe("[permission inside: ok zz-yes][permission outside: ok zz-no][permission shell: ok zz-no]");

    const allowAll = await acpBackend.run(
      recordedTask({ cwd: worktree(), options: { command: fakeAgentCommand({ steps }), permissionPolicy: "allow" } }).task,
    );
    expect(allowAll.output).toBe("[permission inside: ok zz-yes][permission outside: ok zz-yes][permission shell: ok zz-yes]");
  });

  test("grants a permission request for the task's own MCP tool announced under the agent's title, as qwen-code asks it (the model's call id, the arguments as title)", async () => {
    const steps = [
      { op: "tool-call" as const, id: "call_0_0", title: "validate_flow (baton MCP Server)", kind: "read" as const },
      { op: "permission" as const, id: "call_0_0", title: '{"document":{"name":"x"}}' },
      // The same request for a call the agent never announced as Baton's tool is the policy's.
      { op: "permission" as const, id: "call_1_0", title: '{"document":{"name":"x"}}' },
    ];
    const mcpHttp = { name: "baton", url: "http://127.0.0.1:9/api/drafts/mcp/dt_x", tools: ["describe_flow_format", "validate_flow"] };
    const r = recordedTask({ cwd: worktree(), mcpHttp, options: { command: fakeAgentCommand({ steps }) } });
    const result = await acpBackend.run(r.task);
    expect(result.output).toBe("[permission call_0_0: ok zz-yes][permission call_1_0: ok zz-no]");
    expect(r.logs("info")).toEqual(expect.arrayContaining([expect.stringMatching(/^permission granted \(Baton's own MCP tool\): \{"document"/)]));
  });

  test("selects the task's model through the agent's model config option", async () => {
    const r = recordedTask({ cwd: worktree(), model: "Fake Large", options: { command: fakeAgentCommand({ steps: [{ op: "chunk", text: "hi" }] }) } });
    expect((await acpBackend.run(r.task)).output).toBe("[model fake-large]hi");
    const wrong = recordedTask({ cwd: worktree(), model: "gpt-9", options: { command: fakeAgentCommand({}) } });
    const error = await runExpectingError(acpBackend.run(wrong.task));
    expect(error.code).toBe("invalid");
    expect(error.message).toBe("the agent doesn't offer model gpt-9; it offers: fake-small, fake-large");
  });

  test("declines terminal requests (not advertised) without failing the task", async () => {
    const r = recordedTask({ cwd: worktree(), options: { command: fakeAgentCommand({ steps: [{ op: "terminal", command: "ls" }, { op: "chunk", text: "still here" }] }) } });
    const result = await acpBackend.run(r.task);
    expect(result.output).toMatch(/^\[terminal ls: error [^\]]*[Mm]ethod not found[^\]]*\]still here$/);
  });

  test("delivers events in arrival order even when the consumer is slow and async", async () => {
    const steps = Array.from({ length: 30 }, (_, i) => ({ op: "chunk" as const, text: `<${i}>` }));
    const r = recordedTask({ cwd: worktree(), options: { command: fakeAgentCommand({ steps }) } });
    const seen: string[] = [];
    r.task.onEvent = async (event) => {
      // Early events are the slowest: without serialisation later ones would overtake them.
      if (event.type === "text-chunk") {
        const index = Number(event.text.slice(1, -1));
        await new Promise((resolve) => setTimeout(resolve, (30 - index) % 7));
        seen.push(event.text);
      }
    };
    const result = await acpBackend.run(r.task);
    expect(seen).toEqual(steps.map((s) => s.text));
    expect(result.output).toBe(steps.map((s) => s.text).join(""));
  });

  test("returns refusal and other stop reasons as results", async () => {
    const r = recordedTask({ cwd: worktree(), options: { command: fakeAgentCommand({ steps: [{ op: "chunk", text: "no" }], stopReason: "refusal" }) } });
    expect(await acpBackend.run(r.task)).toEqual({ output: "no", stopReason: "refusal", usage: {}, sessionId: "fake-session-1", sessionLoaded: false });
  });

  test("resume: an agent that can load sessions continues one with the review alone; its replayed history is not output", async () => {
    const sessions = path.join(base, `sessions-${++counter}`);
    const command = fakeAgentCommand({ sessions, steps: [{ op: "echo-prompt" }] });
    const first = await acpBackend.run(recordedTask({ cwd: worktree(), prompt: "the task", options: { command } }).task);
    expect(first.sessionLoaded).toBe(false);
    expect(first.output).toBe(`[session ${first.sessionId} turn 1][prompt the task]`);
    const r = recordedTask({ cwd: worktree(), prompt: "the task + review", resume: { sessionId: first.sessionId!, prompt: "the review" }, options: { command } });
    const second = await acpBackend.run(r.task);
    expect(second).toMatchObject({ sessionId: first.sessionId, sessionLoaded: true, output: `[session ${first.sessionId} turn 2][prompt the review]` });
    expect(r.text()).toBe(second.output);
    expect(r.logs("info")).toContain(`continued session ${first.sessionId}`);
    // A session the agent doesn't have: a new one gets the full prompt.
    const lost = recordedTask({ cwd: worktree(), prompt: "the task + review", resume: { sessionId: "fake-gone", prompt: "the review" }, options: { command } });
    const fresh = await acpBackend.run(lost.task);
    expect(fresh.sessionLoaded).toBe(false);
    expect(fresh.output).toBe(`[session ${fresh.sessionId} turn 1][prompt the task + review]`);
    expect(lost.logs("info").join("\n")).toContain("session fake-gone could not be loaded");
  });

  test("resume with an agent that can't load sessions: a new session with the full prompt", async () => {
    const r = recordedTask({ cwd: worktree(), prompt: "full", resume: { sessionId: "fake-session-1", prompt: "review only" }, options: { command: fakeAgentCommand({ steps: [{ op: "echo-prompt" }] }) } });
    expect(await acpBackend.run(r.task)).toMatchObject({ sessionLoaded: false, output: "[prompt full]" });
    expect(r.logs("info")).toContain("the agent can't load sessions; starting a new one with the full prompt");
  });

  test("runs without a worktree (workspace none) in a scratch directory", async () => {
    const r = recordedTask({ cwd: null, options: { command: fakeAgentCommand({ steps: [{ op: "write", path: "scratch.txt", content: "x" }] }) } });
    expect((await acpBackend.run(r.task)).output).toBe("[write scratch.txt: ok]");
  });

  test("a crash mid-prompt fails with the exit code and stderr tail", async () => {
    const r = recordedTask({
      cwd: worktree(),
      options: { command: fakeAgentCommand({ steps: [{ op: "chunk", text: "partial" }, { op: "stderr", text: "about to fail" }, { op: "crash", code: 3 }] }) },
    });
    const error = await runExpectingError(acpBackend.run(r.task));
    expect(error.code).toBe("crash");
    expect(error.message).toContain("exited with code 3 during session/prompt");
    expect(error.message).toContain("fake agent crashing with code 3");
    expect(error.detail.exitCode).toBe(3);
    expect(String(error.detail.stderrTail)).toContain("about to fail");
    expect(r.text()).toBe("partial");
  });

  test("a crash during initialize fails with the reason", async () => {
    const r = recordedTask({ cwd: worktree(), options: { command: fakeAgentCommand({ initialize: "crash" }) } });
    const error = await runExpectingError(acpBackend.run(r.task));
    expect(error.code).toBe("crash");
    expect(error.message).toContain("exited with code 7 during initialize");
    expect(error.message).toContain("fake agent failed to start");
  });

  test("an error answer to session/prompt is a protocol error", async () => {
    const r = recordedTask({ cwd: worktree(), options: { command: fakeAgentCommand({ promptError: "model overloaded" }) } });
    const error = await runExpectingError(acpBackend.run(r.task));
    expect(error.code).toBe("protocol");
    expect(error.message).toContain("session/prompt failed");
    expect(error.message).toContain("model overloaded");
  });

  test("an agent that needs a login is unavailable, not a protocol failure", async () => {
    const r = recordedTask({ cwd: worktree(), options: { command: fakeAgentCommand({ requireAuth: true }) } });
    const error = await runExpectingError(acpBackend.run(r.task));
    expect(error.code).toBe("unavailable");
    expect(error.message).toContain("the agent needs authentication (session/new): Authentication required: run `fake-agent login`");
  });

  test("a missing program is reported as unavailable", async () => {
    const r = recordedTask({ cwd: worktree(), options: { command: ["/nonexistent/baton-agent-xyz", "acp"] } });
    const error = await runExpectingError(acpBackend.run(r.task));
    expect(error.code).toBe("unavailable");
    expect(error.message).toBe("could not start the agent: /nonexistent/baton-agent-xyz not found");
  });

  test("invalid config is rejected before spawning", async () => {
    const error = await runExpectingError(acpBackend.run(recordedTask({ cwd: worktree(), options: { command: [] } }).task));
    expect(error.code).toBe("invalid");
    expect(error.message).toContain("command");
  });

  test("cancel sends session/cancel; an agent that honours it ends with cancelled", async () => {
    const r = recordedTask({
      cwd: worktree(),
      options: { command: fakeAgentCommand({ steps: [{ op: "chunk", text: "[ready]" }, { op: "hang", ignoreCancel: false }] }) },
    });
    const running = acpBackend.run(r.task);
    await waitForEvent(r, (e) => e.type === "text-chunk" && e.text === "[ready]");
    r.controller.abort();
    expect(await running).toEqual({ output: "[ready]", stopReason: "cancelled", usage: {}, sessionId: "fake-session-1", sessionLoaded: false });
  });

  test("an agent that ignores cancel is killed with its whole process group after the grace period", async () => {
    const cwd = worktree();
    const r = recordedTask({
      cwd,
      options: {
        command: fakeAgentCommand({ steps: [{ op: "spawn-child", pidFile: "child.pid" }, { op: "chunk", text: "[ready]" }, { op: "hang", ignoreCancel: true }] }),
        cancelGraceMs: 300,
      },
    });
    const running = acpBackend.run(r.task);
    await waitForEvent(r, (e) => e.type === "text-chunk" && e.text === "[ready]");
    const childPid = Number(fs.readFileSync(path.join(cwd, "child.pid"), "utf8"));
    expect(alive(childPid)).toBe(true);
    r.controller.abort();
    expect((await running).stopReason).toBe("cancelled");
    await vi.waitFor(() => expect(alive(childPid)).toBe(false), { timeout: 5000 });
  });

  test("the watchdog turns a hang into a timeout error", async () => {
    const r = recordedTask({
      cwd: worktree(),
      timeoutMs: 1500,
      options: { command: fakeAgentCommand({ steps: [{ op: "hang", ignoreCancel: true }] }), cancelGraceMs: 200 },
    });
    const error = await runExpectingError(acpBackend.run(r.task));
    expect(error.code).toBe("timeout");
    expect(error.message).toContain("1500 ms");
  });

  test("follow-ups are further turns of the same session; a cancel between turns ends the task cancelled", async () => {
    const cwd = worktree();
    const turns: string[] = [];
    const r = recordedTask({
      cwd,
      options: {
        command: fakeAgentCommand({ turns: [[{ op: "turn" }, { op: "chunk", text: " one" }], [{ op: "turn" }, { op: "echo-prompt" }]] }),
        cancelGraceMs: 300,
      },
    });
    r.task.followUp = async (turn) => {
      turns.push(turn.output);
      if (turns.length === 1) return "the check failed";
      // Between turns (a fix loop's check), the caller is canceled.
      r.controller.abort();
      return null;
    };
    const result = await acpBackend.run(r.task);
    expect(turns).toEqual(["[turn 1 of session fake-session-1] one", "[turn 2 of session fake-session-1][prompt the check failed]"]);
    expect(result).toMatchObject({ output: "[turn 2 of session fake-session-1][prompt the check failed]", stopReason: "cancelled" });
  });

  test("a cancel during a follow-up turn sends session/cancel naming that turn's session", async () => {
    const wire = path.join(base, `wire-${++counter}.jsonl`);
    const r = recordedTask({
      cwd: worktree(),
      options: {
        // `sessions`: a session id of this process's own, so the cancel can't name it by luck.
        command: fakeAgentCommand({ wireLog: wire, sessions: path.join(base, `sessions-${counter}`), turns: [[{ op: "turn" }], [{ op: "chunk", text: "[round 2]" }, { op: "hang" }]] }),
        cancelGraceMs: 3000,
      },
    });
    r.task.followUp = async () => "the check failed";
    const running = acpBackend.run(r.task);
    await waitForEvent(r, (e) => e.type === "text-chunk" && e.text === "[round 2]");
    r.controller.abort();
    const result = await running;
    expect(result.stopReason).toBe("cancelled");
    const received = wireMessages(wire);
    const prompts = received.filter((m) => m.method === "session/prompt");
    expect(prompts).toHaveLength(2);
    const sessionId = (prompts[1].params as { sessionId: string }).sessionId;
    expect(sessionId).toMatch(/^fake-\d+-/);
    expect(result.sessionId).toBe(sessionId);
    // Exactly one cancel, after round 2's prompt, naming its session (the agent answered it
    // within the grace: the task ended cancelled, not killed).
    expect(received.filter((m) => m.method === "session/cancel")).toEqual([{ method: "session/cancel", params: { sessionId } }]);
    expect(received.map((m) => m.method).slice(-2)).toEqual(["session/prompt", "session/cancel"]);
  });

  test("a cancel between turns sends no session/cancel (no turn is pending) and ends the agent at once", async () => {
    const wire = path.join(base, `wire-${++counter}.jsonl`);
    const startLog = path.join(base, `starts-${counter}.log`);
    const r = recordedTask({
      cwd: worktree(),
      options: { command: fakeAgentCommand({ wireLog: wire, startLog, turns: [[{ op: "turn" }]] }), cancelGraceMs: 3000 },
    });
    let agentGone = false;
    r.task.followUp = async () => {
      // Between turns (a fix loop's commit and check) the caller is canceled, and goes on
      // working a while before it returns: the agent must not wait for it.
      const pid = Number(fs.readFileSync(startLog, "utf8").trim());
      r.controller.abort();
      await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 2000 });
      agentGone = true;
      return null;
    };
    const result = await acpBackend.run(r.task);
    expect(result).toMatchObject({ output: "[turn 1 of session fake-session-1]", stopReason: "cancelled" });
    expect(agentGone).toBe(true);
    expect(wireMessages(wire).map((m) => m.method)).toEqual(["initialize", "session/new", "session/prompt"]);
  });

  test("an abort before the prompt starts ends the process at once", async () => {
    const r = recordedTask({ cwd: worktree(), options: { command: fakeAgentCommand({ initialize: "hang" }) } });
    const running = acpBackend.run(r.task);
    r.controller.abort();
    expect((await running).stopReason).toBe("cancelled");
  });
});

describe("acp availability", () => {
  test("installed: the program is found, nothing is started", async () => {
    const pidsBefore = fs.readdirSync("/proc").length;
    const installed = await acpBackend.availability({ command: fakeAgentCommand({ initialize: "crash" }) });
    expect(installed).toMatchObject({ available: true, checked: "installed", reason: expect.stringContaining("tsx found at") });
    expect(fs.readdirSync("/proc").length).toBeLessThanOrEqual(pidsBefore + 2);
    expect(await acpBackend.availability({ command: ["baton-no-such-agent-xyz"] })).toEqual({
      available: false,
      checked: "installed",
      reason: "baton-no-such-agent-xyz not found on PATH",
    });
  });

  test("started: one real initialize, with its time", async () => {
    const started = await acpBackend.availability({ command: fakeAgentCommand({}) }, { level: "started" });
    expect(started).toMatchObject({ available: true, checked: "started", reason: expect.stringMatching(/^fake-agent 1\.0\.0 answered initialize in \d+ ms/) });
    expect(started.ms).toBeGreaterThanOrEqual(0);
  });

  test("started: a hang or a crash is reported verbatim", async () => {
    const hang = await acpBackend.availability({ command: fakeAgentCommand({ initialize: "hang" }), availabilityTimeoutMs: 1500 }, { level: "started" });
    expect(hang).toMatchObject({ available: false, checked: "started", reason: expect.stringContaining("did not answer initialize within 1500 ms") });
    const crash = await acpBackend.availability({ command: fakeAgentCommand({ initialize: "crash" }) }, { level: "started" });
    expect(crash.available).toBe(false);
    expect(crash.reason).toContain("exited with code 7 during initialize: fake agent failed to start");
  });

  test("authenticated: an agent that starts but has no credentials is not available", async () => {
    const noAuth = await acpBackend.availability({ command: fakeAgentCommand({ requireAuth: true }) }, { level: "authenticated" });
    expect(noAuth).toMatchObject({ available: false, checked: "authenticated", reason: expect.stringContaining("session/new failed") });
    // The same agent passes "started": that level proves only that it runs.
    expect((await acpBackend.availability({ command: fakeAgentCommand({ requireAuth: true }) }, { level: "started" })).available).toBe(true);
    const ok = await acpBackend.availability({ command: fakeAgentCommand({}) }, { level: "authenticated" });
    expect(ok).toMatchObject({ available: true, checked: "authenticated", reason: expect.stringMatching(/^fake-agent 1\.0\.0 opened a session in \d+ ms/) });
  });

  test("unavailable with a reason when the config is invalid", async () => {
    expect((await acpBackend.availability({ command: "claude" })).reason).toMatch(/^invalid config/);
  });
});
