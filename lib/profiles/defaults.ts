/**
 * Profiles seeded on first start (and added on later starts when missing; a user's edits are
 * never overwritten). Each works as is for a user who has that CLI installed and logged in:
 *
 * - claude: Claude Code through its ACP adapter, run with `npx -y` so no global install is
 *   needed. The first availability check may time out while npx downloads the adapter;
 *   it passes once it is cached. With `npm i -g @agentclientprotocol/claude-agent-acp`,
 *   change the command to ["claude-agent-acp"] for a faster start.
 * - gemini, opencode, qwen: their built-in ACP modes (gemini `--acp`; `--experimental-acp` is
 *   deprecated). codex: the `codex-acp` adapter binary in mode "auto" (it starts read-only).
 * - Modes: "default" (claude, qwen) asks Baton before each edit, so the worktree policy
 *   decides, and keeps Claude's plan notice out of the output. Gemini has client fs off
 *   (it can't create files through ACP's fs requests).
 * The presets on the settings page (lib/profiles/presets) make fuller profiles: model,
 * endpoint, key reference and the agent's own config files.
 * - ollama: Ollama's OpenAI-compatible endpoint (`ollama pull qwen2.5-coder` first).
 * - demo: built in, offline, deterministic.
 *
 * Permission policy is the default `worktree` everywhere: edits inside the step's worktree
 * are allowed, anything else (including shell commands, which name no location) is denied.
 */
import type { NewProfile } from "./repository";

export const DEFAULT_PROFILES: NewProfile[] = [
  {
    id: "demo",
    backend: "demo",
    label: "Demo agent (offline, deterministic)",
    config: {},
  },
  {
    id: "claude",
    backend: "acp",
    label: "Claude Code (ACP adapter via npx)",
    config: { command: ["npx", "-y", "@agentclientprotocol/claude-agent-acp"], mode: "default", availabilityTimeoutMs: 30_000 },
  },
  {
    id: "gemini",
    backend: "acp",
    label: "Gemini CLI (ACP)",
    config: { command: ["gemini", "--acp"], clientFs: false },
  },
  {
    id: "opencode",
    backend: "acp",
    label: "opencode (ACP)",
    config: { command: ["opencode", "acp"] },
  },
  {
    id: "qwen",
    backend: "acp",
    label: "Qwen Code (ACP)",
    config: { command: ["qwen", "--acp"], mode: "default" },
  },
  {
    id: "codex",
    backend: "acp",
    label: "Codex (codex-acp adapter)",
    config: { command: ["codex-acp"], mode: "auto" },
  },
  {
    id: "ollama",
    backend: "openai",
    label: "Ollama, local (qwen2.5-coder)",
    config: { baseURL: "http://127.0.0.1:11434/v1", model: "qwen2.5-coder" },
  },
];
