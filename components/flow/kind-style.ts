/** The look of each node kind; a Record so a new kind can't be left without one. */
import type { NodeKind } from "@/lib/flow/document";

export interface KindStyle {
  /** Classes of the kind chip on the card and in the palette. */
  chip: string;
  /** Accent bar colour on the card's left edge. */
  accent: string;
  glyph: string;
}

export const KIND_STYLES: Record<NodeKind, KindStyle> = {
  agent: { chip: "bg-sky-50 text-sky-700 ring-sky-200", accent: "bg-sky-500", glyph: "◇" },
  arena: { chip: "bg-violet-50 text-violet-700 ring-violet-200", accent: "bg-violet-500", glyph: "⋔" },
  fold: { chip: "bg-amber-50 text-amber-800 ring-amber-200", accent: "bg-amber-500", glyph: "⋈" },
  check: { chip: "bg-emerald-50 text-emerald-700 ring-emerald-200", accent: "bg-emerald-500", glyph: "✓" },
  approval: { chip: "bg-rose-50 text-rose-700 ring-rose-200", accent: "bg-rose-500", glyph: "◉" },
};
