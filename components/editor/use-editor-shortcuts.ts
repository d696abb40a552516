"use client";
/**
 * Keyboard shortcuts (listed for users by shortcuts-sheet.tsx: a change here goes there too):
 * save (Ctrl/Cmd+S) always; the others act on the flow only when no text field has focus (there
 * the field's own undo, copy, select-all apply) and no dialog is open. Delete/Backspace is React
 * Flow's deleteKeyCode, which likewise ignores text fields.
 *
 * The clipboard of nodes is kept in the browser (localStorage, in memory when that is
 * unavailable), not the system clipboard: a copy can be pasted into another flow or tab, and
 * copying text selected on the page still works as usual (a copy with text selected is the
 * browser's).
 */
import { useReactFlow } from "@xyflow/react";
import { useEffect, useRef } from "react";
import { copySelection, fragmentBounds, parseFragment, serializeFragment, type ClipboardFragment } from "@/lib/editor/clipboard";
import type { EditorStore } from "@/lib/editor/store";
import type { XY } from "@/lib/editor/types";
import { cardSizeOf } from "@/components/flow/node-card";

export const PALETTE_SEARCH_ID = "palette-search";
const CLIPBOARD_KEY = "baton.clipboard";
let memoryClipboard: string | null = null;

function writeClipboard(text: string): void {
  memoryClipboard = text;
  try {
    window.localStorage.setItem(CLIPBOARD_KEY, text);
  } catch {
    // Storage full or disabled: the copy lives in this tab only.
  }
}

function readClipboard(): string | null {
  try {
    return window.localStorage.getItem(CLIPBOARD_KEY) ?? memoryClipboard;
  } catch {
    return memoryClipboard;
  }
}

function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

const inDialog = (target: EventTarget | null) => target instanceof Element && target.closest('[role="dialog"]') !== null;
const textSelected = () => {
  const selection = window.getSelection();
  return selection !== null && !selection.isCollapsed && selection.toString().length > 0;
};

/**
 * Where a paste goes: next to the originals when the view shows their spot (undefined), else
 * the top-left of the view (the originals are elsewhere, or in another flow).
 */
function usePasteAnchor(): (fragment: ClipboardFragment) => XY | undefined {
  const { screenToFlowPosition } = useReactFlow();
  return (fragment) => {
    const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    if (!canvas) return undefined;
    const a = screenToFlowPosition({ x: canvas.left, y: canvas.top });
    const b = screenToFlowPosition({ x: canvas.right, y: canvas.bottom });
    const f = fragmentBounds(fragment, cardSizeOf());
    if (f.x0 < b.x && a.x < f.x1 && f.y0 < b.y && a.y < f.y1) return undefined;
    return { x: a.x + (b.x - a.x) * 0.1, y: a.y + (b.y - a.y) * 0.1 };
  };
}

export function useEditorShortcuts(store: EditorStore, actions: { save(): void; openShortcuts(): void }): void {
  const actionsRef = useRef(actions);
  const anchor = usePasteAnchor();
  const anchorRef = useRef(anchor);
  useEffect(() => {
    actionsRef.current = actions;
    anchorRef.current = anchor;
  });
  useEffect(() => {
    const copy = () => {
      const state = store.getState();
      const fragment = copySelection(state.doc, state.selectedNodes);
      if (fragment) writeClipboard(serializeFragment(fragment));
      return fragment !== null;
    };
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && !event.altKey && key === "s") {
        event.preventDefault();
        actionsRef.current.save();
        return;
      }
      if (inTextField(event.target) || inDialog(event.target)) return;
      if (!mod) {
        if (event.key === "?" && !event.altKey) {
          event.preventDefault();
          actionsRef.current.openShortcuts();
        } else if (event.key === "/" && !event.altKey) {
          event.preventDefault();
          document.getElementById(PALETTE_SEARCH_ID)?.focus();
        }
        return;
      }
      if (event.altKey) return;
      if (key === "z" && !event.shiftKey) {
        event.preventDefault();
        store.dispatch({ type: "undo" });
      } else if ((key === "z" && event.shiftKey) || (key === "y" && !event.shiftKey)) {
        event.preventDefault();
        store.dispatch({ type: "redo" });
      } else if (key === "a") {
        event.preventDefault();
        store.dispatch({ type: "select-all" });
      } else if (key === "d") {
        event.preventDefault();
        store.dispatch({ type: "duplicate-selection" });
      } else if ((key === "c" || key === "x") && !textSelected()) {
        if (!copy()) return;
        event.preventDefault();
        if (key === "x") store.dispatch({ type: "delete-selection" });
      } else if (key === "v") {
        const fragment = parseFragment(readClipboard());
        if (!fragment) return;
        event.preventDefault();
        store.dispatch({ type: "paste", fragment, anchor: anchorRef.current(fragment) });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [store]);
}
