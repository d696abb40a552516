import { appDb } from "@/lib/app-db";
import { handleDraftMcpPost } from "@/lib/drafts/draft-mcp";
import { route } from "@/lib/http/route";
import { methodNotAllowed } from "@/lib/mcp/http";

export const dynamic = "force-dynamic";
type Params = { token: string };

const context = {
  db: appDb,
  log: (message: string, error?: unknown) => console.error(message, error ?? ""),
};

/**
 * The drafting agent's MCP endpoint (describe_flow_format and validate_flow only), live while
 * its draft is written; the path token is the credential (lib/drafts/draft-mcp.ts).
 */
export const POST = route<Params>(async (request, { params }) => handleDraftMcpPost(request, (await params).token, context));
export const GET = route<Params>(async () => methodNotAllowed());
export const DELETE = route<Params>(async () => methodNotAllowed());
