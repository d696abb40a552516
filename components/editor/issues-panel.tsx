"use client";
/**
 * Validation issues, live as you edit; clicking one selects and centres its node. Issues the
 * server returned when it refused a save are shown above them until the next save attempt.
 */
import { useReactFlow } from "@xyflow/react";
import { useState } from "react";
import type { ValidationIssue } from "@/lib/flow/validate";
import { issuesStale } from "@/lib/editor/editor-state";
import { useEditor, useEditorStore } from "./editor-context";

export interface SaveRefusal {
  message: string;
  issues: ValidationIssue[];
}

function IssueRow({ issue, onPick }: { issue: ValidationIssue; onPick: (nodeId: string) => void }) {
  const clickable = Boolean(issue.nodeId);
  return (
    <li>
      <button
        type="button"
        disabled={!clickable}
        onClick={() => issue.nodeId && onPick(issue.nodeId)}
        className="flex w-full items-baseline gap-2 px-3 py-0.5 text-left hover:bg-red-50 disabled:cursor-default disabled:hover:bg-transparent"
        data-testid="issue"
        data-node-id={issue.nodeId ?? ""}
      >
        {issue.nodeId ? <span className="shrink-0 font-mono text-[11px] font-medium text-zinc-800">{issue.nodeId}</span> : null}
        <span className="shrink-0 font-mono text-[11px] text-zinc-400">{issue.path}</span>
        <span className="min-w-0 text-[12px] text-red-700">{issue.message}</span>
      </button>
    </li>
  );
}

export function IssuesPanel({ refusal }: { refusal: SaveRefusal | null }) {
  const store = useEditorStore();
  const issues = useEditor((s) => s.issues);
  const stale = useEditor(issuesStale);
  const [open, setOpen] = useState(true);
  const { setCenter, getInternalNode } = useReactFlow();
  const pick = (nodeId: string) => {
    store.dispatch({ type: "select-node", id: nodeId });
    const node = getInternalNode(nodeId);
    if (node) {
      const { x, y } = node.internals.positionAbsolute;
      setCenter(x + (node.measured.width ?? 0) / 2, y + (node.measured.height ?? 0) / 2, { zoom: 1, duration: 200 });
    }
  };
  const count = issues.length;
  return (
    <div className="shrink-0 border-t border-zinc-200 bg-white" data-testid="issues-panel">
      <button
        type="button"
        className="flex w-full items-center gap-2 px-3 py-1 text-left text-[11px] font-semibold uppercase tracking-wide text-zinc-500 hover:bg-zinc-50"
        onClick={() => setOpen(!open)}
      >
        <span>{open ? "▾" : "▸"}</span>
        Problems
        <span
          className={`rounded px-1.5 py-px text-[10px] normal-case tracking-normal ${count ? "bg-red-600 text-white" : "bg-emerald-100 text-emerald-800"}`}
          data-testid="issue-count"
        >
          {count ? `${count} ${count === 1 ? "issue" : "issues"}` : "valid"}
        </span>
        {stale ? <span className="text-[10px] font-normal normal-case tracking-normal text-zinc-400" data-testid="issues-checking">checking…</span> : null}
      </button>
      {open ? (
        <div className="max-h-36 overflow-y-auto pb-1">
          {refusal ? (
            <div className="mx-3 mb-1 rounded border border-red-300 bg-red-50 px-2 py-1 text-[12px] text-red-800" data-testid="save-refused">
              <div className="font-medium">Save refused: {refusal.message}</div>
              {refusal.issues.length > 0 ? (
                <ul className="mt-0.5" data-testid="server-issues">
                  {refusal.issues.map((issue, i) => (
                    <li key={i} className="font-mono text-[11px]">
                      {issue.path}: {issue.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          {count === 0 && !refusal ? <p className="px-3 py-0.5 text-[12px] text-zinc-400">No problems.</p> : null}
          <ul>
            {issues.map((issue, i) => (
              <IssueRow key={`${issue.path}:${i}`} issue={issue} onPick={pick} />
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
