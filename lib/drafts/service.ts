/** POST /api/flows/draft: validate the request, run the draft loop with the profile's agent. */
import { z } from "zod";
import type { Db } from "../db/client";
import { PROFILE_ID_PATTERN } from "../flow/document";
import { validateForSave } from "../flows/service";
import { resolveRepoOrThrow } from "../git/resolve-repo";
import { flowFormat, flowFormatText } from "../mcp/flow-format";
import { checkedProfiles } from "../mcp/profiles";
import { askProfileOrThrow } from "./ask-profile";
import { DEFAULT_DRAFT_ATTEMPTS, MAX_DRAFT_ATTEMPTS, draftFlow, type DraftProgress, type DraftResult } from "./draft-loop";

export const draftBodySchema = z.strictObject({
  profile: z.string().regex(PROFILE_ID_PATTERN, "must be a profile id"),
  task: z.string().trim().min(1, "describe the task").max(20_000),
  repo: z.string().trim().max(4096).optional(),
  maxAttempts: z.number().int().min(1).max(MAX_DRAFT_ATTEMPTS).default(DEFAULT_DRAFT_ATTEMPTS),
});
export type DraftBody = z.infer<typeof draftBodySchema>;

export async function draftWithAgentOrThrow(db: Db, body: DraftBody, options: { dataDir: string; signal: AbortSignal; onProgress?: (progress: DraftProgress) => void }): Promise<DraftResult & { profile: string }> {
  const repo = body.repo ? (await resolveRepoOrThrow(body.repo)).repo : undefined;
  const formatText = flowFormatText(flowFormat(await checkedProfiles(db.orm)));
  const result = await draftFlow(
    { task: body.task, ...(repo ? { repo } : {}) },
    {
      formatText,
      maxAttempts: body.maxAttempts,
      onProgress: options.onProgress,
      ask: (prompt) => askProfileOrThrow(db.orm, body.profile, prompt, { dataDir: options.dataDir, signal: options.signal }),
      validate: (document) => validateForSave(db.orm, document),
    },
  );
  return { ...result, profile: body.profile };
}
