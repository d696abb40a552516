"use client";
/** Hands the editor's one store to its components; each subscribes to the slice it renders. */
import { createContext, useContext, useSyncExternalStore } from "react";
import type { EditorState } from "@/lib/editor/editor-state";
import type { EditorStore } from "@/lib/editor/store";

const EditorStoreContext = createContext<EditorStore | null>(null);

export const EditorStoreProvider = EditorStoreContext.Provider;

export function useEditorStore(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error("useEditorStore must be used inside <EditorStoreProvider>");
  return store;
}

/** Subscribes to one slice; the selector must return a stable value (a state field, not a new object). */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  const store = useEditorStore();
  return useSyncExternalStore(
    store.subscribe,
    () => selector(store.getState()),
    () => selector(store.getState()),
  );
}
