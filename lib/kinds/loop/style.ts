/** The loop kind's look: chip, accent and glyph (components/flow/kind-style.ts lists every kind's). */
import type { KindStyle } from "@/components/flow/kind-style";

export const loopStyle: KindStyle = { chip: "bg-teal-50 text-teal-700 ring-teal-200", accent: "#14b8a6", glyph: "↻" };
