"use client";
/**
 * React Flow's dotted background, cheap to pan: the dot pattern is drawn once per zoom on an
 * SVG one dot-gap larger than the pane on every side, in its own compositing layer, and a pan
 * only translates that layer by the pan offset modulo the gap — no repaint, no raster. React
 * Flow's Background moves its pattern's origin instead, which repaints and re-rasters the
 * whole pane on every frame of a pan.
 *
 * Reads the viewport from the canvas's ViewportFeed (drag-pans bypass the store).
 */
import { useId, useLayoutEffect, useRef, useSyncExternalStore } from "react";
import { useViewportFeed } from "./viewport-feed";

/** Below this zoom the dots are a fraction of a pixel every few pixels: not drawn. */
const MIN_ZOOM = 0.3;

export function DotBackground({ gap = 16, size = 1, color = "#d4d4d8" }: { gap?: number; size?: number; color?: string }) {
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
          className="absolute"
          // Dot centres sit at (pan offset + gap/2) modulo the gap, as in React Flow's pattern.
          style={{ left: -scaledGap, top: -scaledGap, width: `calc(100% + ${2 * scaledGap}px)`, height: `calc(100% + ${2 * scaledGap}px)`, willChange: "transform" }}
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
}
