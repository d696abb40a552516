"use client";
/**
 * Keeps the browser's copy of unsaved work (lib/editor/local-draft.ts) in step with the
 * editor: written shortly after each change while there is unsaved work and when the page is
 * hidden (a closing tab), removed once the work is saved. While an older copy waits for the
 * user's restore/discard answer it is not removed (only replaced by newer unsaved work).
 */
import { useEffect, useRef } from "react";
import { isDirty } from "@/lib/editor/editor-state";
import { clearLocalDraft, writeLocalDraft } from "@/lib/editor/local-draft";
import type { EditorStore } from "@/lib/editor/store";

const WRITE_DELAY_MS = 300;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** `flowId` null: a flow not created yet (/flows/new), whose draft the tab's handoff keeps instead. */
export function useLocalDraft(store: EditorStore, flowId: string | null, recoveryPending: boolean): void {
  const pending = useRef(recoveryPending);
  useEffect(() => {
    pending.current = recoveryPending;
  }, [recoveryPending]);

  useEffect(() => {
    const local = storage();
    if (!local || flowId === null) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      const state = store.getState();
      if (isDirty(state)) {
        writeLocalDraft(local, { flowId, baseVersion: state.baseVersion, doc: state.doc, fields: [...state.fieldDrafts.values()], savedAt: Date.now() });
      } else if (!pending.current) {
        clearLocalDraft(local, flowId);
      }
    };
    const schedule = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, WRITE_DELAY_MS);
    };
    // Only changes of the work or of what the server holds reschedule the write: a drag's
    // frames, selections and measurements change neither, and stay off this path.
    let seen = store.getState();
    const onChange = () => {
      const s = store.getState();
      if (s.doc === seen.doc && s.fieldDrafts === seen.fieldDrafts && s.savedDoc === seen.savedDoc && s.draftSaved === seen.draftSaved) return;
      seen = s;
      schedule();
    };
    const unsubscribe = store.subscribe(onChange);
    window.addEventListener("pagehide", flush);
    return () => {
      unsubscribe();
      window.removeEventListener("pagehide", flush);
      if (timer) flush();
    };
  }, [store, flowId]);
}
