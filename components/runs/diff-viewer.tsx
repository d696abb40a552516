"use client";
/**
 * A per-file diff viewer, unified or split. Re-parses only when the diff text changes; file
 * open/closed state is keyed by path, so a live diff refreshing underneath doesn't jump.
 */
import { memo, useMemo, useState } from "react";
import { displayPath, diffTotals, parseUnifiedDiff, splitRows, type DiffFile, type DiffLine } from "@/lib/diff-view/parse";

/** How a diff line of each type looks; shared with the review view (review-diff.tsx). */
export const LINE_CLASS: Record<DiffLine["type"], string> = {
  add: "bg-emerald-50 text-emerald-900",
  delete: "bg-red-50 text-red-900",
  context: "text-zinc-700",
  note: "text-zinc-400 italic",
};
export const SIGN: Record<DiffLine["type"], string> = { add: "+", delete: "−", context: " ", note: "\\" };

function Num({ n }: { n: number | null }) {
  return <span className="inline-block w-9 shrink-0 select-none pr-1 text-right text-zinc-400">{n ?? ""}</span>;
}

function UnifiedFile({ file }: { file: DiffFile }) {
  return (
    <div className="font-mono text-[12px] leading-[18px]">
      {file.hunks.map((hunk, h) => (
        <div key={h}>
          <div className="bg-sky-50 px-2 text-sky-700">{hunk.header}</div>
          {hunk.lines.map((line, i) => (
            <div key={i} className={`flex whitespace-pre ${LINE_CLASS[line.type]}`}>
              <Num n={line.oldNumber} />
              <Num n={line.newNumber} />
              <span className="w-4 shrink-0 select-none text-center">{SIGN[line.type]}</span>
              <span>{line.text}</span>
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}

function SplitCell({ line, side }: { line: DiffLine | null; side: "left" | "right" }) {
  if (!line) return <div className="min-w-0 flex-1 bg-zinc-50" />;
  return (
    <div className={`flex min-w-0 flex-1 whitespace-pre ${LINE_CLASS[line.type]}`}>
      <Num n={side === "left" ? line.oldNumber : line.newNumber} />
      <span className="overflow-hidden text-ellipsis">{line.text}</span>
    </div>
  );
}

function SplitFile({ file }: { file: DiffFile }) {
  return (
    <div className="font-mono text-[12px] leading-[18px]">
      {file.hunks.map((hunk, h) => (
        <div key={h}>
          <div className="bg-sky-50 px-2 text-sky-700">{hunk.header}</div>
          {splitRows(hunk).map((row, i) => (
            <div key={i} className="flex divide-x divide-zinc-200">
              <SplitCell line={row.left} side="left" />
              <SplitCell line={row.right} side="right" />
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}

export const DiffViewer = memo(function DiffViewer({ diff, live = false }: { diff: string; live?: boolean }) {
  const files = useMemo(() => parseUnifiedDiff(diff), [diff]);
  const [mode, setMode] = useState<"unified" | "split">("unified");
  const [closed, setClosed] = useState<ReadonlySet<string>>(new Set());
  const totals = diffTotals(files);
  if (files.length === 0) return <div className="text-[12px] text-zinc-400">No changes.</div>;
  return (
    <div className="space-y-2" data-testid="diff-viewer">
      <div className="flex items-center gap-3 text-[12px] text-zinc-600">
        <span data-testid="diff-totals">
          {totals.files} file{totals.files === 1 ? "" : "s"} <span className="text-emerald-700">+{totals.additions}</span>{" "}
          <span className="text-red-700">−{totals.deletions}</span>
        </span>
        {live ? <span className="rounded bg-sky-100 px-1.5 text-sky-700">live</span> : null}
        <div className="ml-auto flex overflow-hidden rounded border border-zinc-200">
          {(["unified", "split"] as const).map((m) => (
            <button
              key={m}
              type="button"
              onClick={() => setMode(m)}
              data-testid={`diff-mode-${m}`}
              className={`px-2 py-0.5 ${mode === m ? "bg-zinc-800 text-white" : "bg-white hover:bg-zinc-50"}`}
            >
              {m}
            </button>
          ))}
        </div>
      </div>
      {files.map((file) => {
        const path = displayPath(file);
        const open = !closed.has(path);
        return (
          <div key={path} className="overflow-hidden rounded border border-zinc-200" data-testid="diff-file">
            <button
              type="button"
              className="flex w-full items-center gap-2 bg-zinc-50 px-2 py-1 text-left text-[12px] hover:bg-zinc-100"
              onClick={() => setClosed((prev) => {
                const next = new Set(prev);
                if (next.has(path)) next.delete(path);
                else next.add(path);
                return next;
              })}
            >
              <span className="text-zinc-400">{open ? "▾" : "▸"}</span>
              <span className="font-mono text-zinc-800">{path}</span>
              {file.status !== "modified" ? <span className="rounded bg-zinc-200 px-1 text-[10px] uppercase text-zinc-600">{file.status}</span> : null}
              <span className="ml-auto">
                <span className="text-emerald-700">+{file.additions}</span> <span className="text-red-700">−{file.deletions}</span>
              </span>
            </button>
            {open ? (
              <div className="overflow-x-auto">
                {file.binary ? (
                  <div className="px-2 py-1 text-[12px] text-zinc-500">Binary file changed.</div>
                ) : mode === "unified" ? (
                  <UnifiedFile file={file} />
                ) : (
                  <SplitFile file={file} />
                )}
              </div>
            ) : null}
          </div>
        );
      })}
    </div>
  );
});
