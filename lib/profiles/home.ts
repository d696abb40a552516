/**
 * Each profile's agents get a HOME of their own under the data dir
 * (`<dataDir>/agent-homes/<profile>`), unless the profile's env names a HOME: agents keep
 * their config, caches, session logs and project registries there, so two profiles never
 * share state, Baton's worktrees never pile up in the user's own agent config (opencode
 * registers every directory it starts in as a project), and a preset can write the agent's
 * config files (`homeFiles`) without touching the user's.
 *
 * `agentEnvOf` is the profile's part of an agent's environment: its resolved `env` plus HOME.
 * Whatever builds the rest of a child's environment (an allow-list of Baton's own) puts this
 * on top.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { resolveProfileEnvDetailed } from "./env";

export function profileHome(dataDir: string, profileId: string): string {
  return path.join(path.resolve(dataDir), "agent-homes", profileId);
}

export interface AgentEnv {
  env: Record<string, string>;
  /** The HOME the agent gets. */
  home: string;
  /** True when Baton owns that HOME (not named by the profile): homeFiles are written there. */
  managedHome: boolean;
  /** `$REF`s in the profile's env whose variables are unset. */
  missing: string[];
}

export function agentEnvOf(
  profile: { id: string; config: Record<string, unknown> },
  dataDir: string,
  processEnv: Record<string, string | undefined> = process.env,
): AgentEnv {
  const { env, missing } = resolveProfileEnvDetailed(profile.config, processEnv);
  if (env.HOME) return { env, home: env.HOME, managedHome: false, missing };
  const home = profileHome(dataDir, profile.id);
  return { env: { ...env, HOME: home }, home, managedHome: true, missing };
}

/**
 * Creates the HOME and writes the profile's `homeFiles` into it (only into a HOME Baton
 * owns: a user's own HOME is never written). Paths are re-checked here, since a row may
 * predate validation. Returns the files written.
 */
export async function prepareAgentHomeOrThrow(agentEnv: AgentEnv, homeFiles: unknown): Promise<string[]> {
  await fs.mkdir(agentEnv.home, { recursive: true });
  if (!agentEnv.managedHome || typeof homeFiles !== "object" || homeFiles === null) return [];
  const written: string[] = [];
  for (const [relative, content] of Object.entries(homeFiles as Record<string, unknown>)) {
    if (typeof content !== "string") continue;
    const target = path.resolve(agentEnv.home, relative);
    if (path.relative(agentEnv.home, target).startsWith("..") || path.isAbsolute(relative)) {
      throw new Error(`homeFiles: ${relative} is outside the profile's HOME`);
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    const current = await fs.readFile(target, "utf8").catch(() => null);
    if (current !== content) await fs.writeFile(target, content, "utf8");
    written.push(relative);
  }
  return written;
}
