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
import type { FormatToolResult } from "../mcp/context";
import { draftActivity, type DraftActivity } from "./draft-activity";
import { DEFAULT_DRAFT_ATTEMPTS, MAX_DRAFT_ATTEMPTS, draftFlow, type DraftProgress, type DraftResult } from "./draft-loop";

export const draftBodySchema = z.strictObject({
  profile: z.string().regex(PROFILE_ID_PATTERN, "must be a profile id"),
  task: z.string().trim().min(1, "describe the task").max(20_000),
  repo: z.string().trim().max(4096).optional(),
  maxAttempts: z.number().int().min(1).max(MAX_DRAFT_ATTEMPTS).default(DEFAULT_DRAFT_ATTEMPTS),
});
export type DraftBody = z.infer<typeof draftBodySchema>;

/** The MCP server's name in an ACP agent's session: its tools show up as mcp__baton__validate_flow etc. */
const DRAFT_MCP_SERVER = "baton";

const logToConsole = (message: string, error?: unknown) => console.error(message, error ?? "");

export async function draftWithAgentOrThrow(db: Db, body: DraftBody, options: { dataDir: string; signal: AbortSignal; onProgress?: (progress: DraftProgress) => void; log?: (message: string, error?: unknown) => void; origin?: string }): Promise<DraftResult & { profile: string }> {
  const repo = body.repo ? (await resolveRepoOrThrow(body.repo)).repo : undefined;
  const drafter = await drafterOrThrow(db.orm, body.profile, options.dataDir);
  const formatText = flowFormatText(flowFormat(await checkedProfiles(db.orm)));
  // The read-only pair, in the form the backend takes: function tools run in process
  // (openai), or an MCP endpoint of this server the agent connects to (ACP, when the request's
  // origin is known and the agent takes HTTP MCP). Every draft's problems are fed back by the
  // loop below either way.
  // With progress wanted, each attempt's activity (the agent's events, the tools' results as
  // computed here) goes out as it happens (draft-activity.ts).
  const onProgress = options.onProgress;
  let activity: DraftActivity | null = null;
  const observe = onProgress ? (result: FormatToolResult) => activity?.onToolResult(result) : undefined;
  const tools = drafter.backend.offersTaskTools ? await openDraftTools(db, options.log ?? logToConsole, observe) : null;
  const access =
    !tools && drafter.backend.connectsMcpHttp && options.origin
      ? openDraftMcpAccess(options.origin, body.maxAttempts * agentTimeoutMs(null, drafter.config) + 60_000, observe)
      : null;
  const mcpHttp = access ? { name: DRAFT_MCP_SERVER, url: access.url, tools: FORMAT_TOOLS } : undefined;
  try {
    const result = await draftFlow(
      { task: body.task, ...(repo ? { repo } : {}), tools: tools !== null || access !== null },
      {
        formatText,
        maxAttempts: body.maxAttempts,
        onProgress,
        ask: async (prompt, attempt) => {
          const current = onProgress ? draftActivity(attempt, onProgress, { server: DRAFT_MCP_SERVER, tools: FORMAT_TOOLS }) : null;
          activity = current;
          try {
            return await askOrThrow(drafter, prompt, {
              signal: options.signal,
              ...(tools ? { tools: tools.tools } : {}),
              ...(mcpHttp ? { mcpHttp } : {}),
              ...(current ? { onEvent: current.onEvent } : {}),
            });
          } finally {
            current?.end();
            activity = null;
          }
        },
        validate: (document) => validateForSave(db.orm, document),
      },
    );
    return { ...result, profile: body.profile };
  } finally {
    access?.revoke();
    await tools?.close();
  }
}
