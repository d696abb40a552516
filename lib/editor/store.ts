/**
 * A minimal external store around the editor reducer: React subscribes with
 * useSyncExternalStore and a selector, so a component re-renders only when its slice changes.
 *
 * It also runs the deferred validation of large flows: when an action leaves the issues
 * stale, a "revalidate" is dispatched once edits pause for `revalidateDelayMs`.
 */
import { editorReducer, issuesStale, type EditorAction, type EditorState } from "./editor-state";

export interface EditorStore {
  getState(): EditorState;
  dispatch(action: EditorAction): void;
  subscribe(listener: () => void): () => void;
}

export function createEditorStore(initial: EditorState, { revalidateDelayMs = 150 } = {}): EditorStore {
  let state = initial;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const listeners = new Set<() => void>();
  const store: EditorStore = {
    getState: () => state,
    dispatch(action) {
      const next = editorReducer(state, action);
      if (next === state) return;
      state = next;
      if (issuesStale(state)) {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          store.dispatch({ type: "revalidate" });
        }, revalidateDelayMs);
      }
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return store;
}
