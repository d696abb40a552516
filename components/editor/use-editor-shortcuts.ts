"use client";
/**
 * Keyboard shortcuts: undo/redo (Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z, Ctrl+Y) act on the flow unless
 * a text field has focus (there the field's own undo applies); save (Ctrl/Cmd+S) always.
 * Delete/Backspace is React Flow's deleteKeyCode, which likewise ignores text fields.
 */
import { useEffect, useRef } from "react";
import type { EditorStore } from "@/lib/editor/store";

function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function useEditorShortcuts(store: EditorStore, save: () => void): void {
  const saveRef = useRef(save);
  useEffect(() => {
    saveRef.current = save;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === "s") {
        event.preventDefault();
        saveRef.current();
        return;
      }
      if (inTextField(event.target)) return;
      if (key === "z" && !event.shiftKey) {
        event.preventDefault();
        store.dispatch({ type: "undo" });
      } else if ((key === "z" && event.shiftKey) || (key === "y" && !event.shiftKey)) {
        event.preventDefault();
        store.dispatch({ type: "redo" });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [store]);
}
