/** The look of each node kind; a Record so a new kind can't be left without one. */
import type { NodeKind } from "@/lib/flow/document";
import { loopStyle } from "@/lib/kinds/loop/style";

export interface KindStyle {
  /** Classes of the kind chip on the card and in the palette. */
  chip: string;
  /** Accent colour: the stripe on the card's left edge (painted as a background) and the node on the minimap. */
  accent: string;
  glyph: string;
}

export const KIND_STYLES: Record<NodeKind, KindStyle> = {
  agent: { chip: "bg-sky-50 text-sky-700 ring-sky-200", accent: "#0ea5e9", glyph: "◇" },
  arena: { chip: "bg-violet-50 text-violet-700 ring-violet-200", accent: "#8b5cf6", glyph: "⋔" },
  fold: { chip: "bg-amber-50 text-amber-800 ring-amber-200", accent: "#f59e0b", glyph: "⋈" },
  check: { chip: "bg-emerald-50 text-emerald-700 ring-emerald-200", accent: "#10b981", glyph: "✓" },
  approval: { chip: "bg-rose-50 text-rose-700 ring-rose-200", accent: "#f43f5e", glyph: "◉" },
  loop: loopStyle,
};
