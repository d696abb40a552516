import { appDb } from "@/lib/app-db";
import { route } from "@/lib/http/route";
import { handleMcpPost, methodNotAllowed } from "@/lib/mcp/http";

export const dynamic = "force-dynamic";

const context = {
  db: appDb,
  log: (message: string, error?: unknown) => console.error(message, error ?? ""),
};

export const POST = route(async (request) => handleMcpPost(request, context));
export const GET = route(async () => methodNotAllowed());
export const DELETE = route(async () => methodNotAllowed());
