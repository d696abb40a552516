"use client";
/**
 * Nothing unsaved is left without a question: while `unsaved()` is true,
 * - closing or reloading the tab asks (the browser's own beforeunload prompt);
 * - an in-app link (header nav, toolbar) asks before Next.js navigates: a capture-phase click
 *   listener on window runs before React's, and stops the click if the answer is no;
 * - Back asks: once the editor has unsaved work it pushes a guard entry (same URL, Next.js's
 *   own history state copied, so Next treats it as this page). Back pops to the entry below,
 *   which is this page too; the listener then asks, and either goes back once more (leaving)
 *   or pushes the guard again (staying). When nothing is unsaved, Back just goes on.
 * The local draft (use-local-draft.ts) keeps the work even if a way out was missed.
 */
import { useEffect, useRef } from "react";

export const LEAVE_MESSAGE = "This flow has unsaved changes. Leave anyway? (A copy stays in this browser.)";

const GUARD_KEY = "batonUnsavedGuard";

function isGuardEntry(state: unknown): boolean {
  return typeof state === "object" && state !== null && (state as Record<string, unknown>)[GUARD_KEY] === true;
}

/** A plain left click on a same-origin link to another page of the app. */
function leavingLink(event: MouseEvent): HTMLAnchorElement | null {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const anchor = (event.target as Element | null)?.closest?.("a[href]");
  if (!(anchor instanceof HTMLAnchorElement)) return null;
  if ((anchor.target && anchor.target !== "_self") || anchor.hasAttribute("download")) return null;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin) return null;
  if (url.pathname === window.location.pathname && url.search === window.location.search) return null;
  return anchor;
}

export function useUnsavedGuard(unsaved: () => boolean, subscribe: (listener: () => void) => () => void): void {
  const unsavedRef = useRef(unsaved);
  useEffect(() => {
    unsavedRef.current = unsaved;
  });

  useEffect(() => {
    let leaving = false;
    // Whether the current history entry is a guard entry (ours, or one left by an earlier
    // visit to this page): only a pop *from* one is a Back press to answer.
    let onGuard = isGuardEntry(window.history.state);
    const pushGuard = () => {
      if (!onGuard) window.history.pushState({ ...(window.history.state ?? {}), [GUARD_KEY]: true }, "");
      onGuard = true;
    };
    const onChange = () => {
      if (!leaving && unsavedRef.current()) pushGuard();
    };
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (leaving || !unsavedRef.current()) return;
      event.preventDefault();
      event.returnValue = "";
    };
    const onClick = (event: MouseEvent) => {
      if (!unsavedRef.current() || !leavingLink(event)) return;
      if (window.confirm(LEAVE_MESSAGE)) {
        leaving = true;
        return;
      }
      event.preventDefault();
      event.stopPropagation();
    };
    const onPopState = (event: PopStateEvent) => {
      const fromGuard = onGuard;
      onGuard = isGuardEntry(event.state);
      if (leaving || !fromGuard || onGuard) return;
      // Popped from the guard entry to the one below it: this same page.
      if (unsavedRef.current() && !window.confirm(LEAVE_MESSAGE)) {
        pushGuard();
        return;
      }
      leaving = true;
      window.history.back();
    };
    const unsubscribe = subscribe(onChange);
    onChange();
    window.addEventListener("beforeunload", onBeforeUnload);
    window.addEventListener("click", onClick, true);
    window.addEventListener("popstate", onPopState);
    return () => {
      unsubscribe();
      window.removeEventListener("beforeunload", onBeforeUnload);
      window.removeEventListener("click", onClick, true);
      window.removeEventListener("popstate", onPopState);
    };
  }, [subscribe]);
}
