// The "installed" level starts nothing — not even an `npx -y` that would download the agent:
// a fake npx on PATH records any start, and the check must leave no record.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { acpAvailability, npxPackage } from "./availability";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-npx-check-"));
const marker = path.join(dir, "npx-ran");
fs.writeFileSync(path.join(dir, "npx"), `#!/bin/sh\necho ran > "${marker}"\n`, { mode: 0o755 });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("acp availability, installed level", () => {
  it("finds npx, names the package it would fetch, and runs nothing", async () => {
    const result = await acpAvailability(
      { command: ["npx", "-y", "@agentclientprotocol/claude-agent-acp"] },
      { level: "installed", env: { PATH: dir } },
    );
    expect(result).toEqual({
      available: true,
      checked: "installed",
      reason: `npx found at ${path.join(dir, "npx")}; npx fetches @agentclientprotocol/claude-agent-acp on the first start (this check runs nothing)`,
    });
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("npxPackage: the first non-flag argument of an npx command, nothing for other commands", () => {
    expect(npxPackage(["npx", "-y", "pkg@1", "--acp"])).toBe("pkg@1");
    expect(npxPackage(["/usr/local/bin/npx", "pkg"])).toBe("pkg");
    expect(npxPackage(["npx", "-y"])).toBeNull();
    expect(npxPackage(["qwen", "--acp"])).toBeNull();
    expect(npxPackage(["my-npx", "x"])).toBeNull();
  });
});
