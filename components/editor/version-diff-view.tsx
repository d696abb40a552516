"use client";
/** The changes between two saved versions (lib/editor/version-diff.ts), as lists a person scans. */
import type { FlowDocument, FlowEdge, FlowNode } from "@/lib/flow/document";
import { KIND_DEFINITIONS } from "@/lib/kinds";
import { diffFlows, onlyMoves, type FieldChange } from "@/lib/editor/version-diff";

function show(value: unknown): string {
  if (value === undefined) return "(not set)";
  if (typeof value === "string") return value === "" ? '""' : value;
  return JSON.stringify(value);
}

function Change({ change }: { change: FieldChange }) {
  const long = [change.before, change.after].some((v) => typeof v === "string" && (v.length > 60 || v.includes("\n")));
  return (
    <li className="py-0.5" data-testid="diff-change" data-path={change.path}>
      <span className="font-mono text-[11px] text-zinc-500">{change.path}</span>
      {long ? (
        <div className="mt-0.5 grid grid-cols-2 gap-2">
          <pre className="max-h-40 overflow-auto whitespace-pre-wrap rounded bg-red-50 px-1.5 py-1 font-mono text-[11px] text-red-900">{show(change.before)}</pre>
          <pre className="max-h-40 overflow-auto whitespace-pre-wrap rounded bg-emerald-50 px-1.5 py-1 font-mono text-[11px] text-emerald-900">{show(change.after)}</pre>
        </div>
      ) : (
        <span className="ml-2 text-[12px]">
          <del className="rounded bg-red-50 px-1 font-mono text-[11px] text-red-800">{show(change.before)}</del>
          <span className="px-1 text-zinc-400">→</span>
          <ins className="rounded bg-emerald-50 px-1 font-mono text-[11px] text-emerald-800 no-underline">{show(change.after)}</ins>
        </span>
      )}
    </li>
  );
}

function Group({ title, count, children }: { title: string; count: number; children: React.ReactNode }) {
  if (count === 0) return null;
  return (
    <section>
      <h3 className="pb-1 text-[11px] font-semibold uppercase tracking-wide text-zinc-500">
        {title} ({count})
      </h3>
      {children}
    </section>
  );
}

/** Nodes or edges only on one side: one line each, + added, − removed. */
function Listed<T>({ title, items, added, line, itemTestId }: { title: string; items: T[]; added?: boolean; line: (item: T) => string; itemTestId: (item: T) => string }) {
  return (
    <Group title={title} count={items.length}>
      <ul>
        {items.map((item) => (
          <li key={line(item)} className={`font-mono text-[12px] ${added ? "text-emerald-800" : "text-red-800"}`} data-testid={itemTestId(item)}>
            {added ? "+" : "−"} {line(item)}
          </li>
        ))}
      </ul>
    </Group>
  );
}

const nodeLine = (n: FlowNode) => `${n.id} · ${KIND_DEFINITIONS[n.kind]?.label ?? n.kind}${n.label ? ` · ${n.label}` : ""}`;
const edgeLine = (e: FlowEdge) => `${e.from} → ${e.to}`;

/** What changed from version `from` (`before`) to version `to` (`after`). */
export function VersionDiffView({ before, after, from, to }: { before: FlowDocument; after: FlowDocument; from: number; to: number }) {
  const diff = diffFlows(before, after);
  const moved = diff.nodesChanged.filter((n) => n.moved && n.changes.length === 0);
  const edited = diff.nodesChanged.filter((n) => n.changes.length > 0);
  return (
    <div className="h-full space-y-3 overflow-y-auto bg-white px-4 py-3 text-[12px]" data-testid="version-diff">
      <p className="text-zinc-600">
        Changes from <b>v{from}</b> to <b>v{to}</b>
        {onlyMoves(diff) ? (moved.length > 0 ? ": only nodes moved." : ": none, the two versions are the same.") : "."}
      </p>
      <Group title="Flow" count={diff.flow.length}>
        <ul>
          {diff.flow.map((c) => (
            <Change key={c.path} change={c} />
          ))}
        </ul>
      </Group>
      <Listed title="Nodes added" items={diff.nodesAdded} added line={nodeLine} itemTestId={(n) => `diff-node-added-${n.id}`} />
      <Listed title="Nodes removed" items={diff.nodesRemoved} line={nodeLine} itemTestId={(n) => `diff-node-removed-${n.id}`} />
      <Group title="Nodes changed" count={edited.length}>
        <ul className="space-y-2">
          {edited.map((n) => (
            <li key={n.id} data-testid={`diff-node-changed-${n.id}`}>
              <div className="font-mono text-[12px] font-medium text-zinc-900">
                {n.id}
                {n.moved ? <span className="ml-2 font-sans text-[11px] font-normal text-zinc-400">also moved</span> : null}
              </div>
              <ul className="ml-3">
                {n.changes.map((c) => (
                  <Change key={c.path} change={c} />
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </Group>
      <Listed title="Edges added" items={diff.edgesAdded} added line={edgeLine} itemTestId={(e) => `diff-edge-added-${e.from}->${e.to}`} />
      <Listed title="Edges removed" items={diff.edgesRemoved} line={edgeLine} itemTestId={(e) => `diff-edge-removed-${e.from}->${e.to}`} />
      {moved.length > 0 ? (
        <p className="text-[11px] text-zinc-400" data-testid="diff-moved">
          Moved only: {moved.map((n) => n.id).join(", ")}
        </p>
      ) : null}
    </div>
  );
}
