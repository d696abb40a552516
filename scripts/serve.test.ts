import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

/**
 * Runs the launcher as `npm run …` would. A launcher that wrongly goes on to start Next is
 * killed after 30 s with its whole process group (the result then has code null), so a
 * regression fails instead of hanging or leaving a server behind.
 */
function runServe(
  env: Record<string, string>,
  args: string[] = ["start"],
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ["BATON_TOKEN", "BATON_HOST", "BATON_PORT", "PORT"]) delete childEnv[name];
    Object.assign(childEnv, env);
    const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/serve.ts", ...args], {
      cwd: root,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
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

  // Next takes the last --hostname it sees; the launcher used to append these after its own.
  it.each([
    [["start", "--hostname", "0.0.0.0"], {}],
    [["start", "--hostname=0.0.0.0"], {}],
    [["dev", "-H", "0.0.0.0"], {}],
    [["start", "-p", "3599"], {}],
    [["start", "--port", "3598"], { BATON_TOKEN: "a-long-enough-token-0123456789" }],
  ] as Array<[string[], Record<string, string>]>)("refuses extra arguments %j with exit code 2 and starts nothing", async (args, env) => {
    const { code, stderr } = await runServe({ BATON_PORT: "3550", ...env }, args);
    expect(code).toBe(2);
    expect(stderr).toContain(`refusing extra arguments: ${args.slice(1).join(" ")}`);
    expect(stderr).toMatch(/BATON_HOST=<address> BATON_PORT=<port>/);
    // Refused before anything was announced or started.
    expect(stderr).not.toMatch(/loopback only|token auth on|next (start|dev) on/);
  });
});
