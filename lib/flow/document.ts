/**
 * The flow document: the saved model of a flow, and also its import/export JSON format.
 *
 * Pure (no I/O); shared by the API, the engine and the editor. Shape errors are reported by
 * zod here; graph rules (cycles, references, profiles) live in validate.ts.
 */
import { z } from "zod";
import { agentOptions, argv, PROFILE_ID_PATTERN, profileId, retries, timeoutSec } from "./fields";
import { loopConfigSchema, type LoopConfig } from "../kinds/loop/definition";

export const NODE_KINDS = ["agent", "arena", "fold", "check", "approval", "loop"] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/** Node ids appear in templates ({{steps.<id>.output}}) and git branch names. */
export const NODE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const INPUT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export { PROFILE_ID_PATTERN };

export const workspaceModeSchema = z.enum(["code", "none"]);

export const agentConfigSchema = z.object({
  profile: profileId,
  model: z.string().max(200).optional(),
  prompt: z.string().max(200_000),
  timeoutSec: timeoutSec.optional(),
  retries: retries.optional(),
  workspace: workspaceModeSchema.optional(),
  options: agentOptions.optional(),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

export const contestantSchema = z.object({
  profile: profileId,
  model: z.string().max(200).optional(),
  options: agentOptions.optional(),
});
export type Contestant = z.infer<typeof contestantSchema>;

export const SELECT_MODES = ["first", "check", "judge", "manual"] as const;
export type SelectMode = (typeof SELECT_MODES)[number];

export const selectSchema = z.object({
  mode: z.enum(SELECT_MODES),
  /** mode "check": argv run in each contestant's worktree; exit 0 passes. */
  command: argv.optional(),
  /** mode "judge": the judging agent. */
  profile: profileId.optional(),
  model: z.string().max(200).optional(),
  /** mode "judge": extra instructions for the judge. */
  prompt: z.string().max(200_000).optional(),
});
export type SelectConfig = z.infer<typeof selectSchema>;

export const arenaConfigSchema = z.object({
  prompt: z.string().max(200_000),
  contestants: z.array(contestantSchema).max(20),
  select: selectSchema,
  timeoutSec: timeoutSec.optional(),
  retries: retries.optional(),
  workspace: workspaceModeSchema.optional(),
});
export type ArenaConfig = z.infer<typeof arenaConfigSchema>;

export const FOLD_MODES = ["concat", "agent"] as const;

export const foldConfigSchema = z.object({
  mode: z.enum(FOLD_MODES),
  /** mode "agent": the synthesis agent and prompt. */
  profile: profileId.optional(),
  model: z.string().max(200).optional(),
  prompt: z.string().max(200_000).optional(),
  /** mode "concat": what goes between outputs. */
  separator: z.string().max(1000).optional(),
  timeoutSec: timeoutSec.optional(),
  retries: retries.optional(),
  options: agentOptions.optional(),
});
export type FoldConfig = z.infer<typeof foldConfigSchema>;

export const checkConfigSchema = z.object({
  /** argv, never a shell string: ["npm", "test"]. */
  command: argv,
  timeoutSec: timeoutSec.optional(),
  retries: retries.optional(),
});
export type CheckConfig = z.infer<typeof checkConfigSchema>;

export const approvalConfigSchema = z.object({
  /** Shown to the approver. */
  message: z.string().max(10_000).optional(),
});
export type ApprovalConfig = z.infer<typeof approvalConfigSchema>;

export const CONFIG_SCHEMAS = {
  agent: agentConfigSchema,
  arena: arenaConfigSchema,
  fold: foldConfigSchema,
  check: checkConfigSchema,
  approval: approvalConfigSchema,
  loop: loopConfigSchema,
} as const satisfies Record<NodeKind, z.ZodType>;

export type NodeConfigByKind = {
  agent: AgentConfig;
  arena: ArenaConfig;
  fold: FoldConfig;
  check: CheckConfig;
  approval: ApprovalConfig;
  loop: LoopConfig;
};

export const positionSchema = z.object({ x: z.number().finite(), y: z.number().finite() });

/**
 * A node as read from JSON. `kind` and `config` are loose here so that validation can report
 * an unknown kind or a bad config field by path instead of failing the whole document.
 */
export const rawNodeSchema = z.object({
  id: z.string().regex(NODE_ID_PATTERN, "must start with a letter and use only letters, digits, _ and - (max 64)"),
  kind: z.string(),
  label: z.string().max(200).optional(),
  position: positionSchema.optional(),
  config: z.record(z.string(), z.unknown()).default({}),
});

export const edgeSchema = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
});
export type FlowEdge = z.infer<typeof edgeSchema>;

export const inputSchema = z.object({
  name: z.string().regex(INPUT_NAME_PATTERN, "must be an identifier (letters, digits, _)"),
  required: z.boolean().optional(),
  description: z.string().max(2000).optional(),
  default: z.string().max(200_000).optional(),
});
export type FlowInput = z.infer<typeof inputSchema>;

export const FLOW_LIMITS = { inputs: 50, nodes: 5000, edges: 20_000 } as const;

export const rawFlowSchema = z.object({
  name: z.string().trim().min(1, "must not be empty").max(200),
  description: z.string().max(10_000).optional(),
  inputs: z.array(inputSchema).max(FLOW_LIMITS.inputs).default([]),
  nodes: z.array(rawNodeSchema).max(FLOW_LIMITS.nodes),
  edges: z.array(edgeSchema).max(FLOW_LIMITS.edges).default([]),
});
export type RawFlow = z.infer<typeof rawFlowSchema>;

export type FlowNode = {
  [K in NodeKind]: {
    id: string;
    kind: K;
    label?: string;
    position?: { x: number; y: number };
    config: NodeConfigByKind[K];
  };
}[NodeKind];

export type NodeOf<K extends NodeKind> = Extract<FlowNode, { kind: K }>;

/** A flow document that passed validate(): every node's config matches its kind. */
export interface FlowDocument {
  name: string;
  description?: string;
  inputs: FlowInput[];
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export function isNodeKind(kind: string): kind is NodeKind {
  return (NODE_KINDS as readonly string[]).includes(kind);
}
