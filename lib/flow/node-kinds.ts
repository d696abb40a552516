/**
 * One registry entry per node kind: its config schema, defaults for a new node, the
 * template fields and profile references it holds, and kind-specific rules. Shared by the
 * editor (palette, inspector, validation) and the engine (planning). The React view of each
 * kind is registered separately in components/flow/node-views.tsx, keyed by the same kinds.
 */
import type { z } from "zod";
import {
  CONFIG_SCHEMAS,
  type NodeConfigByKind,
  type NodeKind,
} from "./document";
import { loopDefaults, loopRules } from "../kinds/loop/definition";

export interface ConfigIssue {
  /** Path below the node's config, e.g. "contestants" or "select.command". */
  path: string;
  message: string;
}

export interface TemplateField {
  path: string;
  text: string;
}

export interface ProfileRef {
  path: string;
  id: string;
  /** The node options this profile runs with, and their path ("contestants[1].options"). */
  options?: { path: string; value: Record<string, unknown> };
}

const withOptions = (path: string, value: Record<string, unknown> | undefined) => (value ? { options: { path, value } } : {});

export interface NodeKindSpec<K extends NodeKind> {
  kind: K;
  label: string;
  summary: string;
  schema: z.ZodType<NodeConfigByKind[K]>;
  defaults(): NodeConfigByKind[K];
  /** Prompt-like fields whose {{…}} references must resolve. */
  templates(config: NodeConfigByKind[K]): TemplateField[];
  profiles(config: NodeConfigByKind[K]): ProfileRef[];
  rules(config: NodeConfigByKind[K]): ConfigIssue[];
  /** Does this node need at least one upstream node? */
  needsInput: boolean;
}

export const MIN_CONTESTANTS = 2;
export const MAX_CONTESTANTS = 5;

const nonEmpty = (text: string | undefined) => (text ?? "").trim().length > 0;

const agentSpec: NodeKindSpec<"agent"> = {
  kind: "agent",
  label: "Agent",
  summary: "One agent runs one prompt in its own worktree",
  schema: CONFIG_SCHEMAS.agent,
  defaults: () => ({ profile: "demo", prompt: "{{inputs.task}}", workspace: "code" }),
  templates: (c) => [{ path: "prompt", text: c.prompt }],
  profiles: (c) => [{ path: "profile", id: c.profile, ...withOptions("options", c.options) }],
  rules: (c) => (nonEmpty(c.prompt) ? [] : [{ path: "prompt", message: "prompt must not be empty" }]),
  needsInput: false,
};

const arenaSpec: NodeKindSpec<"arena"> = {
  kind: "arena",
  label: "Arena",
  summary: "One prompt, 2–5 agents in parallel, a winner picked",
  schema: CONFIG_SCHEMAS.arena,
  defaults: () => ({
    prompt: "{{inputs.task}}",
    contestants: [{ profile: "demo" }, { profile: "demo" }],
    select: { mode: "first" },
    workspace: "code",
  }),
  templates: (c) => [
    { path: "prompt", text: c.prompt },
    ...(c.select.mode === "judge" && c.select.prompt ? [{ path: "select.prompt", text: c.select.prompt }] : []),
  ],
  profiles: (c) => [
    ...c.contestants.map((contestant, i) => ({
      path: `contestants[${i}].profile`,
      id: contestant.profile,
      ...withOptions(`contestants[${i}].options`, contestant.options),
    })),
    ...(c.select.mode === "judge" && c.select.profile ? [{ path: "select.profile", id: c.select.profile }] : []),
  ],
  rules: (c) => {
    const issues: ConfigIssue[] = [];
    if (!nonEmpty(c.prompt)) issues.push({ path: "prompt", message: "prompt must not be empty" });
    if (c.contestants.length < MIN_CONTESTANTS || c.contestants.length > MAX_CONTESTANTS) {
      issues.push({
        path: "contestants",
        message: `an arena needs ${MIN_CONTESTANTS} to ${MAX_CONTESTANTS} contestants (has ${c.contestants.length})`,
      });
    }
    if (c.select.mode === "check" && !(c.select.command && c.select.command.length > 0 && nonEmpty(c.select.command[0]))) {
      issues.push({ path: "select.command", message: "select mode \"check\" needs a command" });
    }
    if (c.select.mode === "judge" && !c.select.profile) {
      issues.push({ path: "select.profile", message: "select mode \"judge\" needs a judge profile" });
    }
    return issues;
  },
  needsInput: false,
};

const foldSpec: NodeKindSpec<"fold"> = {
  kind: "fold",
  label: "Fold",
  summary: "Waits for all inputs and combines them",
  schema: CONFIG_SCHEMAS.fold,
  defaults: () => ({ mode: "concat" }),
  templates: (c) => (c.mode === "agent" ? [{ path: "prompt", text: c.prompt ?? "" }] : []),
  profiles: (c) => (c.mode === "agent" && c.profile ? [{ path: "profile", id: c.profile, ...withOptions("options", c.options) }] : []),
  rules: (c) => {
    if (c.mode !== "agent") return [];
    const issues: ConfigIssue[] = [];
    if (!c.profile) issues.push({ path: "profile", message: "fold mode \"agent\" needs a profile" });
    if (!nonEmpty(c.prompt)) issues.push({ path: "prompt", message: "prompt must not be empty" });
    return issues;
  },
  needsInput: true,
};

const checkSpec: NodeKindSpec<"check"> = {
  kind: "check",
  label: "Check",
  summary: "Runs a command; its exit code passes or fails the run",
  schema: CONFIG_SCHEMAS.check,
  defaults: () => ({ command: ["npm", "test"] }),
  templates: () => [],
  profiles: () => [],
  rules: (c) =>
    c.command.length > 0 && nonEmpty(c.command[0]) ? [] : [{ path: "command", message: "command must not be empty" }],
  needsInput: false,
};

const approvalSpec: NodeKindSpec<"approval"> = {
  kind: "approval",
  label: "Approval",
  summary: "Pauses the run until a person approves",
  schema: CONFIG_SCHEMAS.approval,
  defaults: () => ({ message: "Review the changes before continuing." }),
  templates: () => [],
  profiles: () => [],
  rules: () => [],
  needsInput: true,
};

const loopSpec: NodeKindSpec<"loop"> = {
  kind: "loop",
  label: "Fix loop",
  summary: "An agent works, a check runs; red → the same agent tries again, up to N rounds",
  schema: CONFIG_SCHEMAS.loop,
  defaults: loopDefaults,
  templates: (c) => [{ path: "prompt", text: c.prompt }],
  profiles: (c) => [{ path: "profile", id: c.profile, ...withOptions("options", c.options) }],
  rules: loopRules,
  needsInput: false,
};

export const NODE_KIND_SPECS: { [K in NodeKind]: NodeKindSpec<K> } = {
  agent: agentSpec,
  arena: arenaSpec,
  fold: foldSpec,
  check: checkSpec,
  approval: approvalSpec,
  loop: loopSpec,
};

export function specOf<K extends NodeKind>(kind: K): NodeKindSpec<K> {
  return NODE_KIND_SPECS[kind];
}

/** The profile a node's card shows, if it has one. */
export function primaryProfile(kind: NodeKind, config: Record<string, unknown>): string | undefined {
  if (kind === "agent" || kind === "loop") return config.profile as string | undefined;
  if (kind === "fold" && config.mode === "agent") return config.profile as string | undefined;
  if (kind === "arena") {
    const contestants = (config.contestants as Array<{ profile?: string }> | undefined) ?? [];
    return contestants.map((c) => c.profile ?? "?").join(" · ");
  }
  return undefined;
}
