import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

function runServe(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ["BATON_TOKEN", "BATON_HOST", "BATON_PORT", "PORT"]) delete childEnv[name];
    Object.assign(childEnv, env);
    const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/serve.ts", "start"], {
      cwd: root,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("scripts/serve.ts", () => {
  it("refuses a non-loopback host without BATON_TOKEN with exit code 2", async () => {
    const { code, stderr } = await runServe({ BATON_HOST: "0.0.0.0" });
    expect(code).toBe(2);
    expect(stderr).toMatch(/refusing to listen on 0\.0\.0\.0/);
    expect(stderr).toMatch(/BATON_TOKEN/);
  });

  it("refuses an invalid port with exit code 2", async () => {
    const { code, stderr } = await runServe({ BATON_PORT: "abc" });
    expect(code).toBe(2);
    expect(stderr).toMatch(/BATON_PORT=abc is not a port/);
  });
});
