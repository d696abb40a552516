/** POST /api/flows/draft: validate the request, run the draft loop with the profile's agent. */
import { z } from "zod";
import type { Db } from "../db/client";
import { PROFILE_ID_PATTERN } from "../kinds/fields";
import { validateForSave } from "../flows/service";
import { resolveRepoOrThrow } from "../git/resolve-repo";
import { flowFormat, flowFormatText } from "../mcp/flow-format";
import { checkedProfiles } from "../mcp/profiles";
import { askOrThrow, drafterOrThrow } from "./ask-profile";
import { FORMAT_TOOLS } from "../mcp/blueprint-tools";
import { openDraftMcpAccess } from "./draft-mcp";
import { openDraftTools } from "./draft-tools";
import { agentTimeoutMs } from "../engine/run-agent";
import { DEFAULT_DRAFT_ATTEMPTS, MAX_DRAFT_ATTEMPTS, draftFlow, type DraftProgress, type DraftResult } from "./draft-loop";

export const draftBodySchema = z.strictObject({
  profile: z.string().regex(PROFILE_ID_PATTERN, "must be a profile id"),
  task: z.string().trim().min(1, "describe the task").max(20_000),
  repo: z.string().trim().max(4096).optional(),
  maxAttempts: z.number().int().min(1).max(MAX_DRAFT_ATTEMPTS).default(DEFAULT_DRAFT_ATTEMPTS),
});
export type DraftBody = z.infer<typeof draftBodySchema>;

const logToConsole = (message: string, error?: unknown) => console.error(message, error ?? "");

export async function draftWithAgentOrThrow(db: Db, body: DraftBody, options: { dataDir: string; signal: AbortSignal; onProgress?: (progress: DraftProgress) => void; log?: (message: string, error?: unknown) => void; origin?: string }): Promise<DraftResult & { profile: string }> {
  const repo = body.repo ? (await resolveRepoOrThrow(body.repo)).repo : undefined;
  const drafter = await drafterOrThrow(db.orm, body.profile, options.dataDir);
  const formatText = flowFormatText(flowFormat(await checkedProfiles(db.orm)));
  // The read-only pair, in the form the backend takes: function tools run in process
  // (openai), or an MCP endpoint of this server the agent connects to (ACP, when the request's
  // origin is known and the agent takes HTTP MCP). Every draft's problems are fed back by the
  // loop below either way.
  const tools = drafter.backend.offersTaskTools ? await openDraftTools(db, options.log ?? logToConsole) : null;
  const access =
    !tools && drafter.backend.connectsMcpHttp && options.origin
      ? openDraftMcpAccess(options.origin, body.maxAttempts * agentTimeoutMs(null, drafter.config) + 60_000)
      : null;
  const mcpHttp = access ? { name: "baton", url: access.url, tools: FORMAT_TOOLS } : undefined;
  try {
    const result = await draftFlow(
      { task: body.task, ...(repo ? { repo } : {}), tools: tools !== null || access !== null },
      {
        formatText,
        maxAttempts: body.maxAttempts,
        onProgress: options.onProgress,
        ask: (prompt) => askOrThrow(drafter, prompt, { signal: options.signal, ...(tools ? { tools: tools.tools } : {}), ...(mcpHttp ? { mcpHttp } : {}) }),
        validate: (document) => validateForSave(db.orm, document),
      },
    );
    return { ...result, profile: body.profile };
  } finally {
    access?.revoke();
    await tools?.close();
  }
}
