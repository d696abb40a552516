"use client";
/**
 * Whether the canvas is zoomed out far enough for node cards to draw their compact form.
 *
 * One subscription to the viewport for the whole canvas: a provider reads the zoom and hands
 * the boolean down through context, so a pan (a store update per mouse move) runs one
 * selector instead of one per mounted card, and cards re-render only when the threshold is
 * crossed. Canvases without the provider fall back to a per-card subscription.
 */
import { useStore, type ReactFlowState } from "@xyflow/react";
import { createContext, useContext, type ReactNode } from "react";

/**
 * Below this zoom a card's text is unreadable; cards then draw only their kind colour and id,
 * which keeps large zoomed-out flows cheap to paint. Cards keep the same size in both modes,
 * so switching never re-measures nodes or moves edges.
 */
export const COMPACT_BELOW_ZOOM = 0.45;
const isCompact = (s: ReactFlowState) => s.transform[2] < COMPACT_BELOW_ZOOM;

const CompactContext = createContext<boolean | null>(null);

/** Must sit inside a ReactFlowProvider, around the ReactFlow whose nodes it serves. */
export function CompactZoomProvider({ children }: { children: ReactNode }) {
  const compact = useStore(isCompact);
  return <CompactContext.Provider value={compact}>{children}</CompactContext.Provider>;
}

/** null when no CompactZoomProvider is above: the caller then subscribes itself. */
export function useCompactFromProvider(): boolean | null {
  return useContext(CompactContext);
}

export function useCompactFromStore(): boolean {
  return useStore(isCompact);
}
