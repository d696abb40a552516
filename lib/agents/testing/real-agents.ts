/**
 * Real agent CLIs from npm for tests and the bench, installed on first use into a cache
 * outside the project's node_modules (so `npm start` stays light), one directory per pinned
 * version: `$BATON_TEST_AGENTS_DIR` or `~/.cache/baton-test-agents/<name>-<version>`.
 *
 * Installed with `--ignore-scripts`: none of these CLIs needs an install script to run
 * (their native extras — node-pty, clipboard, sharp — are optional and unused over ACP),
 * so npm 11's `allowScripts` needs no entry for them. An install goes to a temp directory
 * renamed into place, so concurrent test files never see half an install.
 */
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface RealAgent {
  /** npm package and the version tests pin. */
  pkg: string;
  version: string;
  /** The installed bin, relative to the package directory. */
  bin: string;
  /** argv after the program that starts its ACP mode. */
  acpArgs: string[];
  /** Run the bin with node (a JS entry) or directly (a native launcher script). */
  viaNode: boolean;
  /** Its name in node_modules/.bin. */
  binName: string;
}

export const REAL_AGENTS = {
  qwen: { pkg: "@qwen-code/qwen-code", version: "0.24.4", bin: "cli-entry.js", acpArgs: ["--acp"], viaNode: true, binName: "qwen" },
  gemini: { pkg: "@google/gemini-cli", version: "0.61.0", bin: "bundle/gemini.js", acpArgs: ["--acp"], viaNode: true, binName: "gemini" },
  codex: { pkg: "@zed-industries/codex-acp", version: "0.16.0", bin: "bin/codex-acp.js", acpArgs: [], viaNode: true, binName: "codex-acp" },
} as const satisfies Record<string, RealAgent>;
export type RealAgentName = keyof typeof REAL_AGENTS;

export function agentsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BATON_TEST_AGENTS_DIR ?? path.join(os.homedir(), ".cache", "baton-test-agents");
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** Installs the agent when missing; returns the argv that starts it in ACP mode. */
export async function realAgentCommand(name: RealAgentName): Promise<string[]> {
  const { entry } = await installed(name);
  const agent: RealAgent = REAL_AGENTS[name];
  return agent.viaNode ? [process.execPath, entry, ...agent.acpArgs] : [entry, ...agent.acpArgs];
}

/** Installs the agent when missing; returns its bin (as a user's PATH would have it), for presets. */
export async function realAgentBinary(name: RealAgentName): Promise<string> {
  const { dir } = await installed(name);
  return path.join(dir, "node_modules", ".bin", REAL_AGENTS[name].binName);
}

async function installed(name: RealAgentName): Promise<{ dir: string; entry: string }> {
  const agent: RealAgent = REAL_AGENTS[name];
  const cache = agentsCacheDir();
  const slug = `${agent.pkg.replace(/^@/, "").replace(/\//g, "+")}-${agent.version}`;
  const dir = path.join(cache, slug);
  const entry = path.join(dir, "node_modules", agent.pkg, agent.bin);
  if (!(await exists(entry))) {
    await fs.mkdir(cache, { recursive: true });
    const staging = await fs.mkdtemp(path.join(cache, `.${slug}-`));
    try {
      await fs.writeFile(path.join(staging, "package.json"), JSON.stringify({ private: true }));
      await run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-save", "--loglevel=error", `${agent.pkg}@${agent.version}`], {
        cwd: staging,
        maxBuffer: 16 * 1024 * 1024,
        timeout: 15 * 60_000,
      });
      await fs.rename(staging, dir).catch(async (error: NodeJS.ErrnoException) => {
        // Another process finished first: its install is as good as ours.
        if (!(await exists(entry))) throw error;
      });
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }
  return { dir, entry };
}
