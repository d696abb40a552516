import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runCommand } from "./run-command";

const run = (argv: string[], cwd: string) => runCommand(argv, { cwd, signal: new AbortController().signal, emit: () => {} });

describe("runCommand", () => {
  test("a program that is not installed is named as such", async () => {
    const result = await run(["baton-no-such-program-xyz"], os.tmpdir());
    expect(result.spawnError).toBe("command not found: baton-no-such-program-xyz");
  });

  test("a working directory that vanished is named as such, not reported as a missing command", async () => {
    const gone = path.join(os.tmpdir(), `baton-vanished-check-${process.pid}-${Date.now()}`);
    const result = await run(["node", "--version"], gone);
    expect(result.spawnError).toBe(`the working directory ${gone} no longer exists`);
  });

  test("a command that runs reports its exit code and output", async () => {
    const result = await run(["node", "-e", "process.stdout.write('hi'); process.exit(3)"], os.tmpdir());
    expect(result).toMatchObject({ exitCode: 3, stdout: "hi", aborted: false });
    expect(result.spawnError).toBeUndefined();
  });
});
