/** The command backend against real subprocesses (node -e scripts). */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test, vi } from "vitest";
import { recordedTask, waitForEvent } from "../testing/task";
import { AgentError } from "../types";
import { buildArgv, commandBackend } from "./backend";
import { commandConfigSchema } from "./config";

const NODE = process.execPath;
const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "baton-command-test-")));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function expectAgentError(run: Promise<unknown>): Promise<AgentError> {
  const error = await run.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AgentError);
  return error as AgentError;
}

describe("buildArgv", () => {
  test("substitutes {prompt} inside arguments, never in the program", () => {
    const config = commandConfigSchema.parse({ command: ["claude", "-p", "{prompt}", "--flag={prompt}!"], promptVia: "argv" });
    expect(buildArgv(config, "fix it; rm -rf /")).toEqual(["claude", "-p", "fix it; rm -rf /", "--flag=fix it; rm -rf /!"]);
    expect(buildArgv(commandConfigSchema.parse({ command: ["aider"] }), "x")).toEqual(["aider"]);
  });

  test("config validation names the problem", () => {
    expect(commandConfigSchema.safeParse({ command: ["x"], promptVia: "argv" }).error?.issues[0]?.message).toContain("{prompt}");
    expect(commandConfigSchema.safeParse({ command: [] }).success).toBe(false);
  });
});

describe("command backend", () => {
  test("prompt on stdin; stdout streams as text, stderr as log lines; exit 0 succeeds", async () => {
    const cwd = fs.mkdtempSync(path.join(base, "wt-"));
    const script = `let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{process.stdout.write("got:"+s);console.error("warn 1\\nwarn 2");require("fs").writeFileSync("out.txt",s+":"+process.env.EXTRA)})`;
    const r = recordedTask({ cwd, prompt: "hello $(whoami)", env: { EXTRA: "x1" }, options: { command: [NODE, "-e", script] } });
    const result = await commandBackend.run(r.task);
    expect(result).toEqual({ output: "got:hello $(whoami)", stopReason: "end_turn", usage: {} });
    expect(r.text()).toBe("got:hello $(whoami)");
    expect(r.logs("stderr")).toEqual(["warn 1", "warn 2"]);
    expect(fs.readFileSync(path.join(cwd, "out.txt"), "utf8")).toBe("hello $(whoami):x1");
  });

  test("prompt as an argv element is passed verbatim, with no shell", async () => {
    const r = recordedTask({
      cwd: base,
      prompt: "a 'quoted' $HOME; echo pwned",
      options: { command: [NODE, "-e", "process.stdout.write(JSON.stringify(process.argv.slice(1)))", "--", "{prompt}"], promptVia: "argv" },
    });
    const result = await commandBackend.run(r.task);
    expect(JSON.parse(result.output)).toEqual(["a 'quoted' $HOME; echo pwned"]);
  });

  test("a non-zero exit fails with the code and stderr tail", async () => {
    const r = recordedTask({ cwd: base, options: { command: [NODE, "-e", "console.log('partial');console.error('boom: bad flag');process.exit(4)"] } });
    const error = await expectAgentError(commandBackend.run(r.task));
    expect(error.code).toBe("exit");
    expect(error.message).toBe("command exited with code 4; stderr: boom: bad flag");
    expect(error.detail.exitCode).toBe(4);
    expect(r.text()).toBe("partial\n");
  });

  test("a missing working directory is invalid, not a missing program", async () => {
    const error = await expectAgentError(commandBackend.run(recordedTask({ cwd: path.join(base, "gone"), options: { command: [NODE, "-v"] } }).task));
    expect(error.code).toBe("invalid");
    expect(error.message).toBe(`working directory ${path.join(base, "gone")} does not exist`);
  });

  test("a missing program is unavailable", async () => {
    const error = await expectAgentError(commandBackend.run(recordedTask({ cwd: base, options: { command: ["baton-no-such-cli-xyz"] } }).task));
    expect(error.code).toBe("unavailable");
    expect(error.message).toContain("ENOENT");
  });

  test("cancel kills the whole process group, grandchildren included", async () => {
    const pidFile = path.join(base, "grandchild.pid");
    const script = `const c=require("child_process").spawn("sleep",["600"],{stdio:"ignore"});require("fs").writeFileSync(${JSON.stringify(pidFile)},String(c.pid));process.on("SIGTERM",()=>{});console.log("ready");setInterval(()=>{},1000)`;
    const r = recordedTask({ cwd: base, options: { command: [NODE, "-e", script], killGraceMs: 200 } });
    const running = commandBackend.run(r.task);
    await waitForEvent(r, (e) => e.type === "text-chunk" && e.text.includes("ready"));
    const grandchild = Number(fs.readFileSync(pidFile, "utf8"));
    r.controller.abort();
    expect(await running).toEqual({ output: "ready\n", stopReason: "cancelled", usage: {} });
    await vi.waitFor(() => expect(alive(grandchild)).toBe(false), { timeout: 5000 });
  });

  test("timeout kills the process and fails with timeout", async () => {
    const r = recordedTask({ cwd: base, timeoutMs: 500, options: { command: [NODE, "-e", "setInterval(()=>{},1000)"] } });
    const error = await expectAgentError(commandBackend.run(r.task));
    expect(error.code).toBe("timeout");
    expect(error.message).toContain("500 ms");
  });

  test("availability: found on PATH or not", async () => {
    expect(await commandBackend.availability({ command: ["node", "-v"] })).toEqual({ available: true, reason: expect.stringContaining("node found at /") });
    expect(await commandBackend.availability({ command: ["baton-no-such-cli-xyz"] })).toEqual({
      available: false,
      reason: "baton-no-such-cli-xyz not found on PATH",
    });
    expect(await commandBackend.availability({ command: [NODE] })).toEqual({ available: true, reason: `${NODE} found at ${NODE}` });
  });
});

describe("agent environment", () => {
  test("Baton's own credentials are withheld from agents; the profile's env still applies", async () => {
    process.env.BATON_TOKEN = "baton-secret-token-123";
    try {
      const r = recordedTask({
        cwd: base,
        options: { command: [NODE, "-e", "process.stdout.write(JSON.stringify([process.env.BATON_TOKEN ?? null, process.env.PATH ? 'path' : null, process.env.X]))"], env: { X: "$HOME" } },
      });
      expect(JSON.parse((await commandBackend.run(r.task)).output)).toEqual([null, "path", process.env.HOME]);
    } finally {
      delete process.env.BATON_TOKEN;
    }
  });
});

describe("secret redaction", () => {
  test("a referenced secret never leaves the backend: not in events, output or errors", async () => {
    process.env.BATON_TEST_SECRET = "s3cret-value-xyz";
    try {
      const script = "console.log('key=' + process.env.MY_KEY); console.error('stderr key ' + process.env.MY_KEY); process.exit(2)";
      const r = recordedTask({ cwd: base, options: { command: [NODE, "-e", script], env: { MY_KEY: "$BATON_TEST_SECRET" } } });
      const error = await expectAgentError(commandBackend.run(r.task));
      expect(r.text()).toBe("key=[redacted]\n");
      expect(r.logs("stderr")).toEqual(["stderr key [redacted]"]);
      expect(error.message).toBe("command exited with code 2; stderr: stderr key [redacted]");
      expect(JSON.stringify([r.events, error.message, error.detail])).not.toContain("s3cret-value-xyz");

      const ok = recordedTask({ cwd: base, options: { command: [NODE, "-e", "console.log(process.env.MY_KEY)"], env: { MY_KEY: "$BATON_TEST_SECRET" } } });
      expect((await commandBackend.run(ok.task)).output).toBe("[redacted]\n");
    } finally {
      delete process.env.BATON_TEST_SECRET;
    }
  });
});
