import { appDb } from "@/lib/app-db";
import { readJsonOrThrow } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { createFlowOrThrow } from "@/lib/flows/service";
import { listFlows } from "@/lib/flows/repository";
import { AGENT_FLOW_DESCRIPTION } from "@/lib/mcp/agents";

export const dynamic = "force-dynamic";

export const GET = route(async (request) => {
  const db = await appDb();
  // One-node flows made by MCP create_agent are agents, not designs: they show in /runs.
  const includeAgents = new URL(request.url).searchParams.get("include") === "agents";
  const flows = (await listFlows(db.orm)).filter((f) => includeAgents || f.description !== AGENT_FLOW_DESCRIPTION);
  return json({ flows });
});

export const POST = route(async (request) => {
  const db = await appDb();
  const flow = await createFlowOrThrow(db, await readJsonOrThrow(request));
  return json(flow, { status: 201 });
});
