"use client";
/**
 * Node palette: click a kind to add it (after the selected node, or in the middle of the view),
 * or drag it onto the canvas. The search field filters kinds by name and description; from it,
 * ↑/↓ move the highlight and Enter adds the highlighted kind (`/` focuses it from the canvas).
 */
import { useReactFlow } from "@xyflow/react";
import { useState, type KeyboardEvent } from "react";
import type { NodeKind } from "@/lib/kinds";
import { KIND_STYLES } from "@/lib/kinds/client";
import { paletteMatches } from "@/lib/editor/palette-search";
import { useEditorStore } from "./editor-context";
import { PALETTE_DRAG_TYPE } from "./flow-canvas";
import { inputClass } from "./inspector/fields";
import { PALETTE_SEARCH_ID } from "./use-editor-shortcuts";

export function Palette() {
  const store = useEditorStore();
  const { screenToFlowPosition } = useReactFlow();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const matches = paletteMatches(query);
  const highlighted = matches[Math.min(active, matches.length - 1)]?.kind;
  // After the selected node (connected from it), or at the view's centre; never over a card.
  const addByClick = (kind: NodeKind) => {
    const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    const centre = canvas
      ? screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 })
      : { x: 0, y: 0 };
    store.dispatch({ type: "insert-node", kind, centre });
  };
  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((i) => (matches.length === 0 ? 0 : (Math.min(i, matches.length - 1) + step + matches.length) % matches.length));
    } else if (event.key === "Enter" && highlighted) {
      event.preventDefault();
      addByClick(highlighted);
      setQuery("");
      setActive(0);
    } else if (event.key === "Escape") {
      setQuery("");
      setActive(0);
      event.currentTarget.blur();
    }
  };
  return (
    <aside className="baton-panel flex w-[150px] shrink-0 flex-col gap-1 border-r border-zinc-200 bg-white p-2" data-testid="palette">
      <label htmlFor={PALETTE_SEARCH_ID} className="px-1 text-[11px] font-semibold uppercase tracking-wide text-zinc-500">
        Add node
      </label>
      <input
        id={PALETTE_SEARCH_ID}
        type="search"
        className={`${inputClass} mb-1`}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onSearchKey}
        aria-describedby="palette-search-hint"
        autoComplete="off"
        spellCheck={false}
        data-testid="palette-search"
      />
      <span id="palette-search-hint" className="sr-only">
        Type to filter node kinds; arrow keys pick, Enter adds.
      </span>
      <div className="flex flex-col gap-1">
        {matches.map(({ kind, label, summary }) => {
          const style = KIND_STYLES[kind];
          const isActive = query !== "" && kind === highlighted;
          return (
            <button
              key={kind}
              type="button"
              draggable
              onDragStart={(event) => {
                event.dataTransfer.setData(PALETTE_DRAG_TYPE, kind);
                event.dataTransfer.effectAllowed = "copy";
              }}
              onClick={() => addByClick(kind)}
              title={`${summary} — click to add (after the selected node), or drag onto the canvas`}
              className={`group flex cursor-grab items-center gap-2 rounded border px-2 py-1.5 text-left hover:border-zinc-400 hover:bg-zinc-50 active:cursor-grabbing ${isActive ? "border-zinc-900 bg-zinc-50" : "border-zinc-200 bg-white"}`}
              data-active={isActive ? "" : undefined}
              data-testid={`palette-${kind}`}
            >
              <span className={`flex h-5 w-5 items-center justify-center rounded text-[11px] ring-1 ring-inset ${style.chip}`}>{style.glyph}</span>
              <span className="text-[12px] font-medium text-zinc-800">{label}</span>
            </button>
          );
        })}
        {matches.length === 0 ? (
          <p className="px-1 text-[11px] text-zinc-400" data-testid="palette-no-match">
            No node kind matches “{query}”.
          </p>
        ) : null}
      </div>
      <p className="mt-auto px-1 text-[10.5px] leading-snug text-zinc-400">
        Drag from a node&apos;s right handle to another&apos;s left to connect. Del removes the selection; ? lists shortcuts.
      </p>
    </aside>
  );
}
