"use client";
/** A small modal for the run screens: Escape or the backdrop closes it. */
import { useEffect, type ReactNode } from "react";

export function Dialog({ title, onClose, children, wide = false, testId }: { title: string; onClose(): void; children: ReactNode; wide?: boolean; testId?: string }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center bg-black/30 p-8" onMouseDown={onClose}>
      <div
        role="dialog"
        aria-label={title}
        data-testid={testId}
        className={`max-h-full w-full overflow-auto rounded-lg bg-white shadow-xl ${wide ? "max-w-5xl" : "max-w-lg"}`}
        onMouseDown={(event) => event.stopPropagation()}
      >
        <div className="flex items-center border-b border-zinc-200 px-4 py-2">
          <h2 className="text-sm font-semibold text-zinc-900">{title}</h2>
          <button type="button" className="ml-auto text-zinc-400 hover:text-zinc-700" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        <div className="p-4">{children}</div>
      </div>
    </div>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="rounded border border-red-200 bg-red-50 px-2 py-1 text-[12px] text-red-700" role="alert" data-testid="action-error">
      {message}
    </div>
  );
}

export const buttonClass = {
  primary: "rounded bg-zinc-900 px-2.5 py-1 text-[12px] font-medium text-white hover:bg-zinc-700 disabled:opacity-50",
  secondary: "rounded border border-zinc-300 bg-white px-2.5 py-1 text-[12px] text-zinc-800 hover:bg-zinc-50 disabled:opacity-50",
  danger: "rounded border border-red-300 bg-white px-2.5 py-1 text-[12px] text-red-700 hover:bg-red-50 disabled:opacity-50",
};
