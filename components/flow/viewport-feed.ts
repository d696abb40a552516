"use client";
/**
 * The viewport as drawn, for canvases whose drag-pans bypass React Flow's store.
 *
 * Every store update re-runs a selector per mounted node and edge wrapper (three per edge):
 * ~5 ms per update with 500 nodes on a 2-core machine, so a pan that updates the store on
 * every mouse move can't keep 60 fps. `useTransientPan` marks the viewport as controlled
 * (React Flow then leaves the store's transform to us) and, while the pane is dragged, writes
 * the transform straight to the viewport element and to this feed; the store gets the final
 * transform when the drag ends. Every other viewport change (wheel, zoom buttons, fit view,
 * auto-pan) goes to the store at once, as React Flow would do itself.
 *
 * Whatever must follow the view during a drag-pan (background, minimap, render window)
 * reads the feed, not the store.
 */
import { useStoreApi, type Viewport } from "@xyflow/react";
import { createContext, useCallback, useContext, useMemo, useRef, useSyncExternalStore, type RefObject } from "react";

export class ViewportFeed {
  private listeners = new Set<(viewport: Viewport) => void>();
  constructor(private viewport: Viewport) {}

  get = (): Viewport => this.viewport;

  set(viewport: Viewport): void {
    const v = this.viewport;
    if (v.x === viewport.x && v.y === viewport.y && v.zoom === viewport.zoom) return;
    this.viewport = viewport;
    for (const listener of this.listeners) listener(viewport);
  }

  subscribe = (listener: (viewport: Viewport) => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

export const ViewportFeedContext = createContext<ViewportFeed | null>(null);

/** The canvas's feed; components that follow the view must sit under a ViewportFeedContext. */
export function useViewportFeed(): ViewportFeed {
  const feed = useContext(ViewportFeedContext);
  if (!feed) throw new Error("useViewportFeed needs a ViewportFeedContext (see useTransientPan)");
  return feed;
}

/** The drawn viewport, re-rendering the caller on every change (for cheap components only). */
export function useLiveViewport(): Viewport {
  const feed = useViewportFeed();
  return useSyncExternalStore(feed.subscribe, feed.get, feed.get);
}

/** Passed as React Flow's `viewport` prop only to mark the viewport as controlled: never changes. */
const CONTROLLED = { x: 0, y: 0, zoom: 1 };

const isDragStart = (event: MouseEvent | TouchEvent | null) => event?.type === "mousedown" || event?.type === "touchstart";

/**
 * Props for a ReactFlow whose drag-pans skip the store, and the feed to provide below it.
 * `root` is an element around the ReactFlow (its viewport element is looked up inside).
 */
export function useTransientPan(root: RefObject<HTMLElement | null>, hooks?: { onMoveStart?(): void; onMoveEnd?(): void }) {
  const store = useStoreApi();
  const feed = useMemo(() => {
    const [x, y, zoom] = store.getState().transform;
    return new ViewportFeed({ x, y, zoom });
  }, [store]);
  const dragging = useRef(false);
  const viewportEl = useRef<HTMLElement | null>(null);
  const hooksRef = useRef(hooks);
  hooksRef.current = hooks;

  const onViewportChange = useCallback(
    (viewport: Viewport) => {
      feed.set(viewport);
      if (dragging.current) {
        viewportEl.current ??= root.current?.querySelector<HTMLElement>(".react-flow__viewport") ?? null;
        // The same transform React Flow's Viewport writes from the store.
        if (viewportEl.current) viewportEl.current.style.transform = `translate(${viewport.x}px,${viewport.y}px) scale(${viewport.zoom})`;
      } else {
        store.setState({ transform: [viewport.x, viewport.y, viewport.zoom] });
      }
    },
    [feed, root, store],
  );
  const onMoveStart = useCallback(
    (event: MouseEvent | TouchEvent | null) => {
      dragging.current = isDragStart(event);
      viewportEl.current = null;
      // What is cheaper to composite only while the pane is dragged (dot-background.css) keys on this.
      if (dragging.current) root.current?.setAttribute("data-panning", "");
      hooksRef.current?.onMoveStart?.();
    },
    [root],
  );
  const onMoveEnd = useCallback(() => {
    if (dragging.current) {
      dragging.current = false;
      root.current?.removeAttribute("data-panning");
      const { x, y, zoom } = feed.get();
      store.setState({ transform: [x, y, zoom] });
    }
    hooksRef.current?.onMoveEnd?.();
  }, [feed, store, root]);

  return { feed, props: { viewport: CONTROLLED, onViewportChange, onMoveStart, onMoveEnd } };
}
