/**
 * Tool calls that tried to change files and failed ("Error checking existing file"): a code
 * step whose agent reports those and leaves no diff did not do its job, whatever its stop
 * reason says. Pure; fed the step's agent events in order.
 */
import type { AgentEvent, ToolKind } from "../agents/types";

const EDIT_KINDS: readonly ToolKind[] = ["edit", "delete", "move"];

export interface FailedEdit {
  toolCallId: string;
  title: string;
  /** The failure text the agent attached, if any. */
  message?: string;
}

export class FailedEdits {
  private readonly calls = new Map<string, { kind: ToolKind; title: string; status: string; message?: string }>();

  observe(event: AgentEvent): void {
    if (event.type !== "tool-call" && event.type !== "tool-call-update") return;
    const known = this.calls.get(event.toolCallId) ?? { kind: "other" as ToolKind, title: "", status: "pending" };
    const text = event.content?.flatMap((c) => (c.type === "text" ? [c.text] : [])).join("\n");
    this.calls.set(event.toolCallId, {
      kind: event.kind ?? known.kind,
      title: event.title || known.title,
      status: event.status ?? known.status,
      ...(text ? { message: text } : known.message ? { message: known.message } : {}),
    });
  }

  list(): FailedEdit[] {
    return [...this.calls.entries()]
      .filter(([, c]) => c.status === "failed" && EDIT_KINDS.includes(c.kind))
      .map(([toolCallId, c]) => ({ toolCallId, title: c.title || toolCallId, ...(c.message ? { message: c.message.slice(0, 500) } : {}) }));
  }
}
