/** The body of a review or an approval's answer (HTTP, waitpoint and MCP share it). */
import { z } from "zod";

export const reviewCommentSchema = z.object({
  path: z.string().trim().min(1, "must name a file").max(4096),
  /** A line of the file as the step left it; absent = the whole file. */
  line: z.number().int().min(1).optional(),
  body: z.string().trim().min(1, "must not be empty").max(20_000),
});

export const REVIEW_DECISIONS = ["approve", "reject", "request-changes"] as const;

export const reviewBodySchema = z.object({
  decision: z.enum(REVIEW_DECISIONS),
  /** reject: why (required); request-changes: a note for the agent beside the comments. */
  reason: z.string().trim().max(20_000).optional(),
  comments: z.array(reviewCommentSchema).max(200).default([]),
  /** An approval's request-changes: which upstream code step (key) gets them, when several could. */
  target: z.string().trim().min(1).max(200).optional(),
});
export type ReviewBody = z.infer<typeof reviewBodySchema>;
