/**
 * The flow document: the saved model of a flow, and also its import/export JSON format.
 *
 * Pure (no I/O); shared by the API, the engine and the editor. Shape errors are reported by
 * zod here; graph rules (cycles, references, profiles) live in validate.ts. What a node's
 * config holds is its kind's business (lib/kinds/<kind>/definition.ts): the node schema
 * below is the discriminated union of the kinds' config schemas.
 */
import { z } from "zod";
import { KINDS } from "../kinds";

/** Node ids appear in templates ({{steps.<id>.output}}) and git branch names. */
export const NODE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const INPUT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const positionSchema = z.object({ x: z.number().finite(), y: z.number().finite() });

const nodeFields = {
  id: z.string().regex(NODE_ID_PATTERN, "must start with a letter and use only letters, digits, _ and - (max 64)"),
  label: z.string().max(200).optional(),
  position: positionSchema.optional(),
};

/**
 * A node as read from JSON. `kind` and `config` are loose here so that validation can report
 * an unknown kind or a bad config field by path instead of failing the whole document.
 */
export const rawNodeSchema = z.object({
  ...nodeFields,
  kind: z.string(),
  config: z.record(z.string(), z.unknown()).default({}),
});

type NodeSchemaOf<D> = D extends { kind: infer K extends string; schema: infer C extends z.ZodObject }
  ? z.ZodObject<typeof nodeFields & { kind: z.ZodLiteral<K>; config: C }>
  : never;
/** Generic, so that TypeScript maps the kinds' tuple to a tuple. */
type NodeSchemasOf<T extends readonly unknown[]> = { readonly [I in keyof T]: NodeSchemaOf<T[I]> };

/** A valid node: its config matches its kind's schema (each kind's own rules are validate.ts's). */
export const nodeSchema = z.discriminatedUnion(
  "kind",
  KINDS.map((k) => z.object({ ...nodeFields, kind: z.literal(k.kind), config: k.schema })) as unknown as NodeSchemasOf<typeof KINDS>,
);
export type FlowNode = z.output<typeof nodeSchema>;

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

/** A flow document that passed validate(): every node's config matches its kind. */
export interface FlowDocument {
  name: string;
  description?: string;
  inputs: FlowInput[];
  nodes: FlowNode[];
  edges: FlowEdge[];
}
