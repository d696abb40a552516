"use client";
/**
 * React Flow's dotted background, cheap to pan: the dot pattern is drawn once per zoom on an
 * SVG one dot-gap larger than the pane on every side, and a pan only translates it by the pan
 * offset modulo the gap. While the pane is dragged (`data-panning` on the canvas, set by
 * useTransientPan) the SVG is its own compositing layer, so that translation is no repaint
 * and no raster, and the cards above it are composited in strips that the pan moves without
 * re-rastering them. At other times it is not: the strips cost ~1.5 ms of layerization on
 * every frame of a node drag at card zoom (2000 nodes), more than repainting the dots saves.
 * React Flow's Background moves its pattern's origin instead, which repaints the whole pane
 * on every frame of a pan.
 *
 * Reads the viewport from the canvas's ViewportFeed (drag-pans bypass the store).
 */
import { memo, useId, useLayoutEffect, useRef, useSyncExternalStore } from "react";
import { useViewportFeed } from "./viewport-feed";
import "./dot-background.css";

/** Below this zoom the dots are a fraction of a pixel every few pixels: not drawn. */
const MIN_ZOOM = 0.3;

/** Memoized: the canvas re-renders on every frame of a node drag, the dots only with the zoom. */
export const DotBackground = memo(function DotBackground({ gap = 16, size = 1, color = "#d4d4d8" }: { gap?: number; size?: number; color?: string }) {
  const feed = useViewportFeed();
  const zoom = useSyncExternalStore(
    feed.subscribe,
    () => feed.get().zoom,
    () => feed.get().zoom,
  );
  const svg = useRef<SVGSVGElement>(null);
  // useId's characters aren't all valid in a url(#…) reference.
  const id = `dots${useId().replace(/[^\w-]/g, "")}`;
  const scaledGap = gap * zoom;
  const visible = zoom >= MIN_ZOOM;

  useLayoutEffect(() => {
    const el = svg.current;
    if (!el) return;
    const place = ({ x, y }: { x: number; y: number }) => {
      const dx = ((x % scaledGap) + scaledGap) % scaledGap;
      const dy = ((y % scaledGap) + scaledGap) % scaledGap;
      el.style.transform = `translate(${dx}px,${dy}px)`;
    };
    place(feed.get());
    return feed.subscribe(place);
  }, [feed, scaledGap]);

  return (
    <div className="react-flow__background absolute inset-0 overflow-hidden" data-testid="rf__background">
      {visible ? (
        <svg
          ref={svg}
          className="baton-dots absolute"
          // Dot centres sit at (pan offset + gap/2) modulo the gap, as in React Flow's pattern.
          style={{ left: -scaledGap, top: -scaledGap, width: `calc(100% + ${2 * scaledGap}px)`, height: `calc(100% + ${2 * scaledGap}px)` }}
          aria-hidden="true"
        >
          <pattern id={id} width={scaledGap} height={scaledGap} patternUnits="userSpaceOnUse">
            <circle cx={scaledGap / 2} cy={scaledGap / 2} r={(size * zoom) / 2} fill={color} />
          </pattern>
          <rect width="100%" height="100%" fill={`url(#${id})`} />
        </svg>
      ) : null}
    </div>
  );
});
