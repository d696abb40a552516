/**
 * Blueprint tools: a conductor model writes a flow once and the engine runs it every time.
 * describe_flow_format (generated: flow-format.ts), validate_flow (the save endpoint's own
 * check, every problem with its path), get_flow, create_flow and update_flow (validated;
 * an invalid document is an isError result listing every problem, so the model can repair it
 * in one turn). Saved flows are ordinary flows: a person can open and edit them in the
 * designer before anything runs.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ValidationIssue } from "../flow/validate";
import { createFlowOrThrow, getFlowOrThrow, saveVersionOrThrow, validateForSave, type FlowDetail } from "../flows/service";
import { HttpError } from "../http/errors";
import type { ToolContext } from "./context";
import { flowFormat, flowFormatText } from "./flow-format";
import { checkedProfiles } from "./profiles";
import { guarded, issueLines, ok, toolError } from "./tool-result";

const flowId = z.string().trim().min(1, "flowId is required").max(200).describe("A flow id (see list_flows)");

/** Models sometimes pass the document as a JSON string: accept both, say clearly when neither parses. */
const documentArg = z
  .union([z.record(z.string(), z.unknown()), z.string().max(5_000_000)])
  .describe("The flow document: {name, inputs, nodes, edges} as describe_flow_format explains (a JSON string is accepted too)");

function documentOrThrow(document: Record<string, unknown> | string): unknown {
  if (typeof document !== "string") return document;
  try {
    return JSON.parse(document);
  } catch (error) {
    throw new HttpError("validation_failed", `document: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

export function problemsText(issues: readonly ValidationIssue[]): string {
  return `${issues.length} problem${issues.length === 1 ? "" : "s"}; fix them all and try again:\n${issueLines(issues)}`;
}

function savedFlow(flow: FlowDetail) {
  return {
    flowId: flow.id,
    name: flow.name,
    version: flow.latestVersion,
    inputs: flow.document.inputs,
    ui: `/flows/${flow.id}`,
  };
}

function savedText(verb: string, flow: FlowDetail): string {
  const inputs = flow.document.inputs.map((input) => input.name);
  return `${verb} flow ${flow.id} "${flow.name}" version ${flow.latestVersion} (${flow.document.nodes.length} nodes). Run it with run_flow {flowId: "${flow.id}"${inputs.length > 0 ? `, inputs: {${inputs.map((name) => `${name}: …`).join(", ")}}` : ""}}; a person can open it in the designer at /flows/${flow.id}.`;
}

/** What registerFormatTools serves. */
export const FORMAT_TOOLS = ["describe_flow_format", "validate_flow"];

/**
 * The read-only pair (describe_flow_format, validate_flow): all a drafting agent gets during
 * its turn (lib/drafts/draft-tools.ts) — it can check a draft, never save or run one.
 */
export function registerFormatTools(server: McpServer, context: ToolContext): void {
  const { log } = context;

  server.registerTool(
    "describe_flow_format",
    {
      title: "Describe the flow format",
      description:
        "How to write a Baton flow document: its fields, every node kind's config, the {{…}} reference syntax, the graph rules, and the agent profiles available (with what each is good for). Read this before create_flow.",
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    async () =>
      guarded(async () => {
        const format = flowFormat(await checkedProfiles((await context.db()).orm));
        context.observe?.({ tool: "describe_flow_format" });
        return ok({ ...format }, flowFormatText(format));
      }, log),
  );

  server.registerTool(
    "validate_flow",
    {
      title: "Validate a flow document",
      description:
        "Checks a flow document exactly as saving it would, without saving. Returns {valid, issues}: every problem with its path (e.g. nodes[1].config.prompt) and reason.",
      inputSchema: { document: documentArg },
      outputSchema: {
        valid: z.boolean(),
        // Every field a ValidationIssue can carry: clients that list tools check results against this.
        issues: z.array(z.object({ path: z.string(), message: z.string(), nodeId: z.string().optional(), edge: z.object({ from: z.string(), to: z.string() }).optional() })),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ document }) =>
      guarded(async () => {
        const result = await validateForSave((await context.db()).orm, documentOrThrow(document));
        context.observe?.({ tool: "validate_flow", issues: result.issues });
        return ok({ valid: result.ok, issues: result.issues }, result.ok ? "valid: create_flow will accept this document" : `invalid: ${problemsText(result.issues)}`);
      }, log),
  );
}

export function registerBlueprintTools(server: McpServer, context: ToolContext): void {
  const { log } = context;
  registerFormatTools(server, context);

  server.registerTool(
    "get_flow",
    {
      title: "Get a flow",
      description: "A saved flow's latest document and version (the baseVersion update_flow needs).",
      inputSchema: { flowId },
      annotations: { readOnlyHint: true },
    },
    async ({ flowId }) =>
      guarded(async () => {
        const flow = await getFlowOrThrow((await context.db()).orm, flowId);
        return ok({ flowId: flow.id, version: flow.latestVersion, document: flow.document });
      }, log),
  );

  server.registerTool(
    "create_flow",
    {
      title: "Create a flow",
      description:
        "Saves a new flow (validated as by validate_flow; an invalid document is refused with every problem listed). Returns its flowId for run_flow. Nothing runs until run_flow.",
      inputSchema: {
        document: documentArg,
        message: z.string().max(500).optional().describe("A note for the version history"),
      },
    },
    async ({ document, message }) =>
      guarded(async () => {
        const db = await context.db();
        const input = documentOrThrow(document);
        const checked = await validateForSave(db.orm, input);
        if (!checked.ok) return toolError(`flow not created: ${problemsText(checked.issues)}`);
        const flow = await createFlowOrThrow(db, input, message ?? "created over MCP");
        return ok(savedFlow(flow), savedText("created", flow));
      }, log),
  );

  server.registerTool(
    "update_flow",
    {
      title: "Update a flow",
      description:
        "Saves a new version of a flow. baseVersion is the version you started from (get_flow); if someone saved since, the update is refused so nothing is overwritten. Invalid documents are refused with every problem listed.",
      inputSchema: {
        flowId,
        document: documentArg,
        baseVersion: z.coerce.number().int().min(1).describe("The version your document is based on"),
        message: z.string().max(500).optional().describe("A note for the version history"),
      },
    },
    async ({ flowId, document, baseVersion, message }) =>
      guarded(async () => {
        const db = await context.db();
        const input = documentOrThrow(document);
        const checked = await validateForSave(db.orm, input);
        if (!checked.ok) return toolError(`flow not updated: ${problemsText(checked.issues)}`);
        const flow = await saveVersionOrThrow(db, flowId, { document: input, baseVersion, message: message ?? "updated over MCP" });
        return ok(savedFlow(flow), savedText("updated", flow));
      }, log),
  );
}
