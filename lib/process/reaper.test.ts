/**
 * Process groups die with the process that started them, even when it is SIGKILLed: real
 * processes, a real SIGKILL, and /proc as the witness.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawnGroup, terminateGroup } from "../agents/command/process-group";
import { hangOnceArgv, killMarked, pidsWithMarker } from "./testing/proc";
import { childEnv } from "./child-env";
import { reaperPid } from "./reaper";

const HOLDER = path.join(import.meta.dirname, "testing/group-holder.ts");
const markers: string[] = [];
const dirs: string[] = [];

function marker(): string {
  const value = `baton-reaper-test-${crypto.randomBytes(6).toString("hex")}`;
  markers.push(value);
  return value;
}

afterEach(() => {
  for (const m of markers.splice(0)) killMarked(m);
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z");
  } catch {
    return false;
  }
}

function startHolder(argv: string[]): Promise<{ child: ChildProcess; group: number; reaper: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", HOLDER, JSON.stringify(argv)], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /group (\d+) reaper (\S+)/.exec(out);
      if (match) resolve({ child, group: Number(match[1]), reaper: Number(match[2]) });
    });
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`holder exited ${code}: ${out}`)));
  });
}

describe("the reaper", () => {
  it("kills a SIGKILLed process's groups, grandchildren included, and then exits", async () => {
    const tag = marker();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-reaper-"));
    dirs.push(dir);
    const holder = await startHolder(hangOnceArgv(path.join(dir, "flag"), tag));
    await until(() => pidsWithMarker(tag).length === 2, "the agent and its grandchild to run");

    holder.child.kill("SIGKILL");
    await until(() => pidsWithMarker(tag).length === 0, "no process with the marker left");
    await until(() => !alive(holder.reaper), "the reaper to exit");
  });

  it("forgets a group once terminateGroup ended it, and never keeps this process alive", async () => {
    const tag = marker();
    const proc = spawnGroup([process.execPath, "-e", "setInterval(() => {}, 1 << 30)", tag], { cwd: os.tmpdir(), env: childEnv() });
    await until(() => pidsWithMarker(tag).length === 1, "the group to run");
    const pid = reaperPid();
    expect(pid).toBeGreaterThan(0);
    await terminateGroup(proc, 0);
    expect(pidsWithMarker(tag)).toEqual([]);
    // The same reaper serves the next group.
    const next = spawnGroup([process.execPath, "-e", "", tag], { cwd: os.tmpdir(), env: childEnv() });
    expect(reaperPid()).toBe(pid);
    await terminateGroup(next, 0);
  });
});
