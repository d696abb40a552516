"use client";
/** Node palette: click a kind to add it in the middle of the view, or drag it onto the canvas. */
import { useReactFlow } from "@xyflow/react";
import type { NodeKind } from "@/lib/kinds";
import { PALETTE } from "@/lib/kinds/client";
import { useEditorStore } from "./editor-context";
import { PALETTE_DRAG_TYPE } from "./flow-canvas";

export function Palette() {
  const store = useEditorStore();
  const { screenToFlowPosition } = useReactFlow();
  // After the selected node (connected from it), or at the view's centre; never over a card.
  const addByClick = (kind: NodeKind) => {
    const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    const centre = canvas
      ? screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 })
      : { x: 0, y: 0 };
    store.dispatch({ type: "insert-node", kind, centre });
  };
  return (
    <aside className="flex w-[150px] shrink-0 flex-col gap-1 border-r border-zinc-200 bg-white p-2" data-testid="palette">
      <h3 className="px-1 pb-1 text-[11px] font-semibold uppercase tracking-wide text-zinc-500">Add node</h3>
      {PALETTE.map(({ kind, label, summary, style }) => {
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
            className="group flex cursor-grab items-center gap-2 rounded border border-zinc-200 bg-white px-2 py-1.5 text-left hover:border-zinc-400 hover:bg-zinc-50 active:cursor-grabbing"
            data-testid={`palette-${kind}`}
          >
            <span className={`flex h-5 w-5 items-center justify-center rounded text-[11px] ring-1 ring-inset ${style.chip}`}>{style.glyph}</span>
            <span className="text-[12px] font-medium text-zinc-800">{label}</span>
          </button>
        );
      })}
      <p className="mt-auto px-1 text-[10.5px] leading-snug text-zinc-400">
        Drag from a node&apos;s right handle to another&apos;s left to connect. Del removes the selection.
      </p>
    </aside>
  );
}
