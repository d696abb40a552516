/**
 * The drafting agent's tools during its turn: describe_flow_format and validate_flow, served
 * by the very MCP tools conductors call (lib/mcp/blueprint-tools.ts) through an in-process
 * MCP client — one implementation, so a draft checked by the agent is checked exactly as the
 * MCP tool, the save endpoint and the draft loop check it. Read-only: nothing here saves,
 * updates or runs a flow.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { TaskTools } from "../agents/types";
import type { Db } from "../db/client";
import type { ToolContext } from "../mcp/context";
import { SERVER_INFO, createFormatToolsMcpServer } from "../mcp/server";

export interface DraftTools {
  tools: TaskTools;
  close(): Promise<void>;
}

/** `observe`: told each tool's result as computed (the draft's progress). */
export async function openDraftTools(db: Db, log: ToolContext["log"], observe?: ToolContext["observe"]): Promise<DraftTools> {
  const server = createFormatToolsMcpServer({ db: async () => db, log, ...(observe ? { observe } : {}) });
  const client = new Client({ name: `${SERVER_INFO.name}-drafter`, version: SERVER_INFO.version });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  const listed = await client.listTools();
  const tools: TaskTools = {
    specs: listed.tools.map((tool) => ({ name: tool.name, description: tool.description ?? tool.title ?? tool.name, parameters: tool.inputSchema })),
    async call(name, args) {
      try {
        const result = await client.callTool({ name, arguments: args as Record<string, unknown> });
        const content = Array.isArray(result.content) ? result.content : [];
        const text = content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n");
        return { text, isError: result.isError === true };
      } catch (error) {
        // A protocol-level refusal (arguments not matching the schema) is the model's to fix.
        return { text: error instanceof Error ? error.message : String(error), isError: true };
      }
    },
  };
  return {
    tools,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}
