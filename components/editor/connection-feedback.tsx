"use client";
/**
 * Feedback while drawing a connection: the line turns red and dashed over a refused target,
 * and a banner says why (a cycle, a duplicate, a self-loop), so a refusal is never silent.
 */
import { getBezierPath, useConnection, type ConnectionLineComponentProps } from "@xyflow/react";
import { memo } from "react";
import { connectRefusal, type ConnectRefusal } from "@/lib/editor/document-ops";
import type { CanvasNode } from "@/lib/editor/types";
import { useEditorStore } from "./editor-context";

export function ConnectionLine({ fromX, fromY, toX, toY, fromPosition, toPosition, connectionStatus }: ConnectionLineComponentProps<CanvasNode>) {
  const [path] = getBezierPath({ sourceX: fromX, sourceY: fromY, sourcePosition: fromPosition, targetX: toX, targetY: toY, targetPosition: toPosition });
  const refused = connectionStatus === "invalid";
  return (
    <g>
      <path d={path} fill="none" stroke={refused ? "#dc2626" : "#52525b"} strokeWidth={refused ? 2 : 1.5} strokeDasharray={refused ? "6 4" : undefined} />
      <circle cx={toX} cy={toY} r={3.5} fill={refused ? "#dc2626" : "#52525b"} />
    </g>
  );
}

const REASONS: Record<ConnectRefusal, string> = {
  cycle: "would create a cycle",
  duplicate: "is already connected",
  self: "can't connect a node to itself",
  "unknown-node": "unknown node",
};

/** Memoized: it follows the connection being drawn (its own subscription), not the canvas's re-renders. */
export const ConnectionFeedback = memo(function ConnectionFeedback() {
  const store = useEditorStore();
  const connection = useConnection<CanvasNode>();
  if (!connection.inProgress || !connection.toNode || connection.isValid !== false) return null;
  // Normalise direction: a drag may start from either handle type.
  const startedAtSource = connection.fromHandle?.type !== "target";
  const from = startedAtSource ? connection.fromNode.id : connection.toNode.id;
  const to = startedAtSource ? connection.toNode.id : connection.fromNode.id;
  const refusal = connectRefusal(store.getState().doc, from, to);
  if (!refusal) return null;
  return (
    <div
      className="pointer-events-none absolute left-1/2 top-3 z-10 -translate-x-1/2 rounded border border-red-300 bg-red-50 px-3 py-1.5 text-[12px] font-medium text-red-700 shadow-sm"
      data-testid="connection-refused"
      role="status"
    >
      Refused: <span className="font-mono">{from} → {to}</span> {REASONS[refusal]}
    </div>
  );
});
