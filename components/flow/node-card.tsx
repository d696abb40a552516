"use client";
/**
 * The card every node kind renders: kind chip, id/label, profile line, a preview, the issue
 * badge and (on the run page) a status overlay. Each kind (lib/kinds/<kind>/client.tsx)
 * supplies its look, profile line and preview. Pure presentation: everything shown comes from
 * the canvas node's data and its kind's look.
 */
import { Handle, Position } from "@xyflow/react";
import { memo } from "react";
import type { CanvasNodeData, NodeStatusOverlay } from "@/lib/editor/types";
import type { KindStyle } from "@/lib/kinds/client-define";
import { useCompactFromProvider, useCompactFromStore } from "./compact-zoom";
import { recordRender } from "./render-counter";
import { ellipsize, wrapLines } from "./card-text";

const STATE_STYLES: Record<string, string> = {
  pending: "bg-zinc-100 text-zinc-600",
  ready: "bg-sky-100 text-sky-700",
  running: "bg-sky-500 text-white",
  waiting: "bg-amber-100 text-amber-800",
  succeeded: "bg-emerald-100 text-emerald-800",
  failed: "bg-red-100 text-red-700",
  canceled: "bg-zinc-200 text-zinc-700",
  skipped: "bg-zinc-100 text-zinc-500",
};

function formatElapsed(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`;
}

function StatusRow({ status }: { status: NodeStatusOverlay }) {
  return (
    <div className="flex shrink-0 items-center gap-2 border-t border-zinc-100 px-2.5 text-[11px]" style={{ height: CARD_STATUS_HEIGHT }} data-testid="node-status">
      <span className={`rounded px-1.5 py-px font-medium ${STATE_STYLES[status.state] ?? "bg-zinc-100 text-zinc-700"}`}>
        {status.state}
      </span>
      {status.attempt !== undefined && status.attempt > 1 ? <span className="text-zinc-500">attempt {status.attempt}</span> : null}
      {status.elapsedMs !== undefined ? <span className="ml-auto tabular-nums text-zinc-500">{formatElapsed(status.elapsedMs)}</span> : null}
    </div>
  );
}

// Compact cards skip the shadow and draw no handle components: at low zoom, painting two handles
// per node was the largest cost of a pan, and each Handle subscribes to the flow store.
const handleClass = "!h-2.5 !w-2.5 !border-zinc-400 !bg-white";

/**
 * A compact card's handles: invisible boxes with React Flow's handle classes and attributes,
 * which is what React Flow measures (by class, when a node mounts or resizes) to place edge
 * ends. Same classes and size as the Handle components, so the measured bounds are the same
 * in both modes and switching modes needs no re-measure. Not interactive: at this zoom a
 * handle is a few pixels wide; the full card's handles are.
 */
function StaticHandle({ type, nodeId }: { type: "source" | "target"; nodeId: string }) {
  const position = type === "target" ? Position.Left : Position.Right;
  return (
    <div
      className={`react-flow__handle react-flow__handle-${position} ${type} invisible ${handleClass}`}
      data-handlepos={position}
      data-nodeid={nodeId}
    />
  );
}

/** The compact card's id, shortened to what fits its width at its monospace size (no clip box). */
const COMPACT_ID_CHARS = 10;
const compactId = (id: string) => (id.length > COMPACT_ID_CHARS ? `${id.slice(0, COMPACT_ID_CHARS - 1)}…` : id);

/** Card size is fixed (content is clamped), so auto-layout knows it before measuring. */
export const CARD_WIDTH = 240;
export const CARD_HEIGHT = 84;
export const CARD_STATUS_HEIGHT = 22;
const cardSize = { width: CARD_WIDTH, height: CARD_HEIGHT };
/** A card's size before React Flow measures it (the editor's cards have no status row). */
export const cardSizeOf = () => cardSize;

export interface NodeCardProps {
  data: CanvasNodeData;
  selected: boolean;
  /** The kind's name and colours (one object per kind, so memoized cards compare it cheaply). */
  look: { label: string; style: KindStyle };
  profile?: string;
  preview?: string;
}

/**
 * Text widths of the full card, in px: the body is 240 wide less its border (2), pl-3 (12)
 * and pr-2 (8). Monospace runs are 0.6 em per character; proportional text is estimated
 * with a generous average so it stays inside (the body's clip is only a safety net).
 */
const TEXT_PX = 240 - 2 - 12 - 8;
const GAP_PX = 6;
const ID_CHAR_PX = 0.6 * 12;
const LABEL_CHAR_PX = 0.58 * 11.5;
const PROFILE_CHAR_PX = 0.58 * 11;
const PREVIEW_CHARS = Math.floor(TEXT_PX / (0.6 * 11));
/** The chip: px-1 and 10 px semibold uppercase with wide tracking. */
const chipPx = (label: string) => 8 + label.length * 7.2;
/** The issue badge: px-1.5 and 10 px semibold. */
const badgePx = (label: string) => 12 + label.length * 6.4;

/**
 * The full card's text: kind chip, id and label on one line, the profile line and a preview
 * of up to two or three lines, all shortened by card-text.ts instead of clipped (no
 * `truncate`/`line-clamp`: each is a clip that pans pay for on every frame).
 */
function CardBody({ node, issues, kindLabel, chip, profile, preview }: { node: CanvasNodeData["node"]; issues: CanvasNodeData["issues"]; kindLabel: string; chip: string; profile?: string; preview?: string }) {
  const issueLabel = issues.length > 0 ? `${issues.length} ${issues.length === 1 ? "issue" : "issues"}` : "";
  const fixed = chipPx(kindLabel) + GAP_PX + (issueLabel ? GAP_PX + badgePx(issueLabel) : 0);
  const id = ellipsize(node.id, Math.floor((TEXT_PX - fixed) / ID_CHAR_PX));
  const label = node.label ? ellipsize(node.label, Math.floor((TEXT_PX - fixed - id.length * ID_CHAR_PX - GAP_PX) / LABEL_CHAR_PX)) : "";
  const previewLines = preview ? wrapLines(preview, PREVIEW_CHARS, profile ? 2 : 3) : [];
  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-hidden">
      <div className="flex items-center gap-1.5 whitespace-nowrap py-1.5 pl-3 pr-2">
        <span className={`rounded px-1 py-px text-[10px] font-semibold uppercase tracking-wide ring-1 ring-inset ${chip}`}>{kindLabel}</span>
        <span className="shrink-0 font-mono text-[12px] font-medium text-zinc-900" title={id === node.id ? undefined : node.id}>
          {id}
        </span>
        {label ? <span className="text-[11.5px] text-zinc-500">{label}</span> : null}
        {issueLabel ? (
          <span
            className="ml-auto shrink-0 rounded bg-red-600 px-1.5 py-px text-[10px] font-semibold text-white"
            title={issues.map((i) => i.message).join("\n")}
            data-testid={`node-issues-${node.id}`}
          >
            {issueLabel}
          </span>
        ) : null}
      </div>
      {profile ? (
        <div className="whitespace-nowrap pb-1 pl-3 pr-2 text-[11px] text-zinc-500">
          <span className="text-zinc-400">profile </span>
          {ellipsize(profile, Math.floor((TEXT_PX - 8 * PROFILE_CHAR_PX) / PROFILE_CHAR_PX))}
        </div>
      ) : null}
      {previewLines.length > 0 ? (
        <div className="whitespace-pre pl-3 pr-2 font-mono text-[11px] leading-snug text-zinc-600">{previewLines.join("\n")}</div>
      ) : null}
    </div>
  );
}

export function NodeCard(props: NodeCardProps) {
  recordRender(props.data.node.id);
  const compact = useCompactFromProvider();
  return compact === null ? <SubscribedNodeCard {...props} /> : <MemoNodeCardBody {...props} compact={compact} />;
}

/** A card on a canvas without a CompactZoomProvider: subscribes to the zoom itself. */
function SubscribedNodeCard(props: NodeCardProps) {
  return <MemoNodeCardBody {...props} compact={useCompactFromStore()} />;
}

/**
 * Memoized on its props (the node's data object, selection, the kind view's two strings, the
 * zoom mode): React Flow re-renders a node's view on every frame of its drag (its position is a
 * prop), and the card's content doesn't depend on where it is.
 */
const MemoNodeCardBody = memo(NodeCardBody);

function NodeCardBody({ data, selected, look, profile, preview, compact }: NodeCardProps & { compact: boolean }) {
  const { node, issues, status } = data;
  const style = look.style;
  const hasIssues = issues.length > 0;
  const ring = selected
    ? hasIssues
      ? "border-red-500 ring-2 ring-red-200"
      : "border-zinc-900 ring-2 ring-zinc-900/10"
    : hasIssues
      ? "border-red-400"
      : "border-zinc-300";
  const height = CARD_HEIGHT + (status ? CARD_STATUS_HEIGHT : 0);
  // Per card, every positioned box (a paint layer) and every overflow clip adds paint chunks that
  // Chromium re-layerizes on each frame of a pan: the accent stripe is a background, the card is
  // not positioned (its handles are placed against the node wrapper, which has the card's box),
  // and the compact id is shortened in JS instead of clipped.
  const accent = `linear-gradient(to right, ${style.accent} ${compact ? 12 : 3}px, #fff 0)`;
  return (
    <div
      className={`flex w-60 flex-col rounded-md border text-[12px] ${compact ? "" : "shadow-sm"} ${ring}`}
      style={{ height, background: accent }}
      data-testid={`node-${node.id}`}
      data-kind={node.kind}
      data-issues={issues.length}
    >
      {compact ? (
        <StaticHandle type="target" nodeId={node.id} />
      ) : (
        <Handle type="target" position={Position.Left} className={handleClass} data-testid={`handle-in-${node.id}`} />
      )}
      {compact ? (
        <div className="flex min-h-0 flex-1 items-center gap-2 pl-6 pr-3">
          <span className="whitespace-nowrap font-mono text-[28px] font-semibold text-zinc-800">{compactId(node.id)}</span>
          {hasIssues ? <span className="ml-auto h-5 w-5 shrink-0 rounded-full bg-red-600" /> : null}
        </div>
      ) : (
        <CardBody node={node} issues={issues} kindLabel={look.label} chip={style.chip} profile={profile} preview={preview} />
      )}
      {status ? <StatusRow status={status} /> : null}
      {compact ? (
        <StaticHandle type="source" nodeId={node.id} />
      ) : (
        <Handle type="source" position={Position.Right} className={handleClass} data-testid={`handle-out-${node.id}`} />
      )}
    </div>
  );
}
