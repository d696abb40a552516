/**
 * The palette's search: node kinds whose name, id or description contain every word typed
 * (case-insensitive), kinds whose name starts with the query first. Pure.
 */
import { KINDS, type NodeKind } from "../kinds";

export interface PaletteEntry {
  kind: NodeKind;
  label: string;
  summary: string;
}

const ENTRIES: readonly PaletteEntry[] = KINDS.map(({ kind, label, summary }) => ({ kind, label, summary }));

export function paletteMatches(query: string): PaletteEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...ENTRIES];
  const q = words.join(" ");
  const matching = ENTRIES.filter((e) => {
    const text = `${e.label} ${e.kind} ${e.summary}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
  // Stable sort: name matches first, then description matches, each in palette order.
  return matching.sort((a, b) => Number(!a.label.toLowerCase().startsWith(q)) - Number(!b.label.toLowerCase().startsWith(q)));
}
