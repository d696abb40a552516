/**
 * The wire contract of "Draft with an agent" (POST /api/flows/draft): the request, the result,
 * and the progress stream (`?progress=ndjson`, lib/http/ndjson.ts) the dialog reads while the
 * agent works. One set of zod schemas: the server builds its events as these types
 * (lib/drafts/draft-activity.ts), the browser parses every line with them (lib/client/drafts.ts).
 * Pure: zod only, so client code can import it.
 *
 * Glossary:
 * - attempt (a "round"): one agent turn that ends in a draft; Baton checks it as saving would
 *   and, while it has problems and rounds are left, asks again with every problem (a repair).
 * - activity: what the agent did during an attempt — its tool calls (Baton's describe_flow_format
 *   and validate_flow, or its own) and its text, shortened.
 *
 * Stream lines, in order: `{type: "progress", progress}` any number of times, then exactly one
 * `{type: "result", result}` or `{type: "error", error, code, issues}`.
 */
import { z } from "zod";

export const DEFAULT_DRAFT_ATTEMPTS = 3;
export const MAX_DRAFT_ATTEMPTS = 6;
/** An agent-text event's text is at most this long (the dialog shows that the agent talks, not all it says). */
export const DRAFT_TEXT_MAX = 280;

const attempt = z.number().int().min(1).max(MAX_DRAFT_ATTEMPTS);

export const draftIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
  edge: z.object({ from: z.string(), to: z.string() }).optional(),
});

export const DRAFT_TOOL_STATUSES = ["running", "completed", "failed"] as const;
export type DraftToolStatus = (typeof DRAFT_TOOL_STATUSES)[number];

/** What the draft loop is doing, one event at a time (noun-verb names like the run events). */
export const draftProgressSchema = z.discriminatedUnion("type", [
  /** The agent is asked for draft `attempt` (the first, or a repair with the last one's problems). */
  z.object({ type: z.literal("asking"), attempt, maxAttempts: attempt }),
  /** Baton checked the attempt's draft: its problems (empty: valid, the loop ends). */
  z.object({ type: z.literal("checked"), attempt, maxAttempts: attempt, problems: z.array(z.string()) }),
  /**
   * A tool call of the agent's, sent when it starts and again when its status changes (the
   * dialog keeps one line per `toolCallId`). `tool` is Baton's tool name when it is one of
   * Baton's (whatever prefix the agent gave it), else the agent's title for it. `problems`:
   * a validate_flow call's result as Baton computed it (empty: valid).
   */
  z.object({
    type: z.literal("tool-call"),
    attempt,
    toolCallId: z.string().min(1).max(200),
    tool: z.string().min(1).max(200),
    status: z.enum(DRAFT_TOOL_STATUSES),
    problems: z.array(z.string()).optional(),
  }),
  /** What the agent said between tool calls, or its answer (a JSON block shown as "[JSON]"), shortened. */
  z.object({ type: z.literal("agent-text"), attempt, text: z.string().min(1).max(DRAFT_TEXT_MAX) }),
]);
export type DraftProgress = z.infer<typeof draftProgressSchema>;

export const draftResultSchema = z.object({
  /** The last draft that parsed as JSON (valid or not), or null if none did. */
  document: z.unknown().nullable(),
  valid: z.boolean(),
  /** The last draft's problems, with paths (empty when valid). */
  issues: z.array(draftIssueSchema),
  summary: z.string(),
  /** One per attempt: its problems (empty: valid). */
  attempts: z.array(z.object({ problems: z.array(z.string()) })),
  /** The profile that drafted it. */
  profile: z.string(),
});
export type DraftResultDto = z.infer<typeof draftResultSchema>;

export const draftStreamLineSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("progress"), progress: draftProgressSchema }),
  z.object({ type: z.literal("result"), result: draftResultSchema }),
  // The body an error status would have carried (lib/http/errors.ts): the reason names the field.
  z.object({ type: z.literal("error"), error: z.string(), code: z.string(), issues: z.array(draftIssueSchema).default([]) }),
]);
export type DraftStreamLine = z.infer<typeof draftStreamLineSchema>;

/** One line of the stream, parsed; a bad line is refused naming the field and why. */
export function parseDraftStreamLineOrThrow(text: string): DraftStreamLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON (${error instanceof Error ? error.message : String(error)}): ${text.slice(0, 120)}`);
  }
  const parsed = draftStreamLineSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue.path.join(".") || "(line)"}: ${issue.message}`);
  }
  return parsed.data;
}
