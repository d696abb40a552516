/**
 * One attempt's activity as progress events (lib/contract/draft.ts), for the dialog: the
 * agent's own events (text, tool calls) and the results of Baton's format tools as Baton
 * computed them (ToolContext.observe). Pure: no I/O; state is per attempt.
 *
 * Why two sources: the agent says that it calls a tool, and agents name Baton's tools in
 * their own ways (or only by their arguments); Baton knows what validate_flow found. A result
 * is put on the agent's open call of that tool — or, if the agent named none, on its latest
 * open call whose name it didn't give (Baton's tool runs while the agent's call is open) — so a person sees one line per call: "validate_flow: 2
 * problems". A result no open call claims gets a line of its own.
 */
import { ownMcpToolName } from "../agents/acp/permission";
import type { AgentEvent, ToolCallStatus } from "../agents/types";
import { DRAFT_TEXT_MAX, type DraftProgress, type DraftToolStatus } from "../contract/draft";
import type { FormatToolResult } from "../mcp/context";
import { issueText } from "./draft-text";

export interface DraftActivity {
  onEvent(event: AgentEvent): void;
  onToolResult(result: FormatToolResult): void;
  /** The turn is over: what the agent said since its last tool call goes out. */
  end(): void;
}

interface Call {
  tool: string;
  /** True once the name is Baton's tool's (from the agent's naming or a claimed result). */
  known: boolean;
  status: DraftToolStatus;
  problems?: string[];
}

const statusOf = (status: ToolCallStatus | undefined): DraftToolStatus => (status === "completed" ? "completed" : status === "failed" ? "failed" : "running");

/** The agent's text, shortened for a progress line: code blocks become "[JSON]"/"[code]". */
export function shortText(text: string): string {
  const blocks = text.replace(/```(\w*)\s*\n?([\s\S]*?)(```|$)/g, (_all, lang: string, body: string) => (lang.toLowerCase() === "json" || body.trimStart().startsWith("{") ? " [JSON] " : " [code] "));
  const flat = blocks.replace(/\s+/g, " ").trim();
  return flat.length <= DRAFT_TEXT_MAX ? flat : `${flat.slice(0, DRAFT_TEXT_MAX - 1)}…`;
}

/** `tools`: Baton's tools the agent has, as its MCP server `server` (names as Baton gives them). */
export function draftActivity(attempt: number, emit: (progress: DraftProgress) => void, own: { server: string; tools: readonly string[] }): DraftActivity {
  let text = "";
  let unclaimed = 0;
  const calls = new Map<string, Call>();

  const flushText = () => {
    const short = shortText(text);
    text = "";
    if (short) emit({ type: "agent-text", attempt, text: short });
  };
  const send = (toolCallId: string, call: Call) =>
    emit({ type: "tool-call", attempt, toolCallId, tool: call.tool, status: call.status, ...(call.problems ? { problems: call.problems } : {}) });
  const nameOf = (toolCallId: string, title: string | undefined): { tool: string; known: boolean } => {
    // The openai backend calls a function by Baton's own name; ACP agents add their prefixes.
    const ownName = title && own.tools.includes(title) ? title : ownMcpToolName({ toolCallId, title }, own);
    return ownName ? { tool: ownName, known: true } : { tool: (title || "tool").slice(0, 200), known: false };
  };

  return {
    onEvent(event) {
      if (event.type === "text-chunk") {
        text += event.text;
        return;
      }
      if (event.type !== "tool-call" && event.type !== "tool-call-update") return;
      flushText();
      const existing = calls.get(event.toolCallId);
      if (!existing) {
        const call: Call = { ...nameOf(event.toolCallId, event.title), status: statusOf(event.status) };
        calls.set(event.toolCallId, call);
        send(event.toolCallId, call);
        return;
      }
      let changed = false;
      if (event.title && !existing.known) {
        const named = nameOf(event.toolCallId, event.title);
        changed = named.tool !== existing.tool;
        Object.assign(existing, named);
      }
      if (event.status && statusOf(event.status) !== existing.status) {
        existing.status = statusOf(event.status);
        changed = true;
      }
      if (changed) send(event.toolCallId, existing);
    },

    onToolResult(result) {
      const problems = result.tool === "validate_flow" ? result.issues.map(issueText) : undefined;
      const open = [...calls.entries()].filter(([, call]) => call.status === "running").reverse();
      const claimed = open.find(([, call]) => call.known && call.tool === result.tool) ?? open.find(([, call]) => !call.known);
      if (claimed) {
        const [id, call] = claimed;
        const changed = call.tool !== result.tool || problems !== undefined;
        Object.assign(call, { tool: result.tool, known: true }, problems ? { problems } : {});
        if (changed) send(id, call);
        return;
      }
      flushText();
      const id = `baton-${result.tool}-${++unclaimed}`;
      const call: Call = { tool: result.tool, known: true, status: "completed", ...(problems ? { problems } : {}) };
      calls.set(id, call);
      send(id, call);
    },

    end() {
      flushText();
    },
  };
}
