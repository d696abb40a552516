"use client";
/** A plain modal: backdrop, Escape closes, focus starts inside. */
import { useEffect, useRef, type ReactNode } from "react";

export function Modal({ title, onClose, children, footer, wide, testId }: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });
  // Once per opening: focusing again on every parent render would steal focus from fields.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onCloseRef.current();
    };
    window.addEventListener("keydown", onKey);
    ref.current?.focus();
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center bg-zinc-900/30 pt-[8vh]" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        tabIndex={-1}
        role="dialog"
        aria-label={title}
        className={`flex max-h-[84vh] flex-col rounded-md border border-zinc-300 bg-white shadow-xl outline-none ${wide ? "w-[min(1100px,94vw)]" : "w-[560px]"}`}
        data-testid={testId}
      >
        <div className="flex items-center justify-between border-b border-zinc-200 px-4 py-2">
          <h2 className="text-[13px] font-semibold text-zinc-900">{title}</h2>
          <button type="button" className="rounded px-1.5 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-800" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        <div className="min-h-0 flex-1 overflow-y-auto">{children}</div>
        {footer ? <div className="flex items-center justify-end gap-2 border-t border-zinc-200 px-4 py-2">{footer}</div> : null}
      </div>
    </div>
  );
}

export const buttonClass =
  "inline-flex items-center gap-1 rounded border border-zinc-300 bg-white px-2 py-1 text-[12px] font-medium text-zinc-800 hover:bg-zinc-50 disabled:cursor-not-allowed disabled:opacity-40";
export const primaryButtonClass =
  "inline-flex items-center gap-1 rounded border border-zinc-900 bg-zinc-900 px-2.5 py-1 text-[12px] font-medium text-white hover:bg-zinc-700 disabled:cursor-not-allowed disabled:opacity-40";
