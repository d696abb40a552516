/**
 * Bench instrumentation: when a page defines `window.__batonRenderCounts` (the editor bench
 * does so with an init script), every node view render increments its node's count. Costs
 * one property read otherwise.
 */
declare global {
  interface Window {
    __batonRenderCounts?: Record<string, number>;
  }
}

export function recordRender(id: string): void {
  if (typeof window === "undefined") return;
  const counts = window.__batonRenderCounts;
  if (counts) counts[id] = (counts[id] ?? 0) + 1;
}
