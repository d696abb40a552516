/** The `openai` backend's settings: any OpenAI-compatible chat endpoint. */
import { z } from "zod";
import { envReferenceName } from "../../profiles/env";
import { timeoutSecSchema } from "../command/config";

/** An env-var reference ("$OPENAI_API_KEY" or "${OPENAI_API_KEY}"); a literal key is refused. */
export const secretReferenceSchema = z.string().refine((value) => envReferenceName(value) !== null, {
  message: 'must be an environment variable reference like "$OPENAI_API_KEY" — secrets are never stored; set the variable in Baton\'s environment',
});

export const openaiConfigSchema = z.object({
  baseURL: z
    .string()
    .url("must be a URL like http://127.0.0.1:11434/v1")
    .refine((u) => /^https?:\/\//.test(u), "must start with http:// or https://"),
  model: z.string().min(1, "is required"),
  apiKey: secretReferenceSchema.optional(),
  systemPrompt: z.string().optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  availabilityTimeoutMs: z.number().int().min(100).max(60_000).default(3000),
  /** The default step timeout for this profile (a node's own timeout wins). */
  timeoutSec: timeoutSecSchema.optional(),
});
export type OpenaiConfig = z.output<typeof openaiConfigSchema>;

/** `{baseURL}/path` without doubled or missing slashes. */
export function endpoint(baseURL: string, pathname: string): string {
  return `${baseURL.replace(/\/+$/, "")}/${pathname.replace(/^\/+/, "")}`;
}

/**
 * What a flow's node may set for an openai profile (lib/agents/node-options.ts): how the
 * model answers, never where the request goes or which key it carries.
 */
export const openaiNodeOptionsSchema = openaiConfigSchema.pick({
  systemPrompt: true,
  temperature: true,
  maxTokens: true,
});
