/**
 * A step's tool calls in order, Paseo-style: shell commands with their exit code, edits with
 * their change, reads and searches with their paths.
 */
import { memo } from "react";
import type { ToolCallView } from "@/lib/client/run-types";

const KIND_ICON: Record<string, string> = {
  execute: "$",
  edit: "✎",
  read: "📄",
  search: "🔍",
  delete: "🗑",
  move: "↦",
  fetch: "⇣",
  think: "💭",
};

const STATUS_CLASS: Record<string, string> = {
  pending: "bg-zinc-100 text-zinc-600",
  in_progress: "bg-sky-100 text-sky-700",
  completed: "bg-emerald-100 text-emerald-800",
  failed: "bg-red-100 text-red-700",
};

function commandOf(call: ToolCallView): string | null {
  const input = call.rawInput as Record<string, unknown> | null | undefined;
  if (!input || typeof input !== "object") return null;
  const command = input.command ?? input.cmd ?? input.argv;
  if (Array.isArray(command)) return command.map(String).join(" ");
  return typeof command === "string" ? command : null;
}

function EditBlock({ edit }: { edit: ToolCallView["edits"][number] }) {
  const oldLines = edit.oldText ? edit.oldText.split("\n") : [];
  const newLines = edit.newText.split("\n");
  return (
    <div className="mt-1 overflow-x-auto rounded border border-zinc-200 font-mono text-[11px] leading-4">
      <div className="bg-zinc-50 px-2 text-zinc-600">{edit.path}</div>
      {oldLines.map((line, i) => (
        <div key={`o${i}`} className="whitespace-pre bg-red-50 px-2 text-red-900">
          − {line}
        </div>
      ))}
      {newLines.map((line, i) => (
        <div key={`n${i}`} className="whitespace-pre bg-emerald-50 px-2 text-emerald-900">
          + {line}
        </div>
      ))}
    </div>
  );
}

export const ToolCalls = memo(function ToolCalls({ calls }: { calls: readonly ToolCallView[] }) {
  if (calls.length === 0) return null;
  return (
    <ol className="space-y-1" data-testid="tool-calls">
      {calls.map((call) => {
        const command = call.kind === "execute" ? commandOf(call) : null;
        return (
          <li key={call.id} className="rounded border border-zinc-200 bg-white px-2 py-1 text-[12px]" data-testid="tool-call" data-kind={call.kind}>
            <div className="flex items-center gap-2">
              <span className="w-4 text-center text-zinc-500">{KIND_ICON[call.kind] ?? "•"}</span>
              <span className="min-w-0 flex-1 truncate font-medium text-zinc-800">{call.title}</span>
              {call.exitCode !== null ? (
                <span className={`font-mono ${call.exitCode === 0 ? "text-emerald-700" : "text-red-700"}`} data-testid="tool-exit-code">
                  exit {call.exitCode}
                </span>
              ) : null}
              <span className={`rounded px-1.5 text-[10px] ${STATUS_CLASS[call.status] ?? STATUS_CLASS.pending}`}>{call.status.replace("_", " ")}</span>
            </div>
            {command ? <div className="mt-0.5 truncate font-mono text-[11px] text-zinc-600">$ {command}</div> : null}
            {call.locations.length > 0 && call.edits.length === 0 ? (
              <div className="mt-0.5 truncate font-mono text-[11px] text-zinc-500">{call.locations.join(", ")}</div>
            ) : null}
            {call.edits.map((edit, i) => (
              <EditBlock key={i} edit={edit} />
            ))}
            {call.texts.length > 0 ? (
              <pre className="mt-1 max-h-40 overflow-auto whitespace-pre-wrap rounded bg-zinc-50 p-1 font-mono text-[11px] text-zinc-700">
                {call.texts.join("\n")}
              </pre>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
});
