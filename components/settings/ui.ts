/** Shared Tailwind class strings for the settings screens (dense dev-tool look). */
export const buttonClass =
  "inline-flex items-center gap-1 rounded border border-zinc-300 bg-white px-2 py-0.5 text-[12px] text-zinc-700 hover:border-zinc-400 hover:text-zinc-900 disabled:opacity-50";
export const primaryButtonClass =
  "inline-flex items-center gap-1 rounded border border-zinc-900 bg-zinc-900 px-2 py-0.5 text-[12px] font-medium text-white hover:bg-zinc-700 disabled:opacity-50";
export const dangerButtonClass =
  "inline-flex items-center gap-1 rounded border border-red-600 bg-red-600 px-2 py-0.5 text-[12px] font-medium text-white hover:bg-red-700 disabled:opacity-50";
export const inputClass =
  "w-full rounded border border-zinc-300 bg-white px-1.5 py-0.5 text-[12.5px] outline-none focus:border-zinc-500 focus:ring-2 focus:ring-zinc-900/10 aria-[invalid=true]:border-red-500";
export const monoInputClass = `${inputClass} font-mono text-[12px]`;
export const labelClass = "text-[11px] font-semibold uppercase tracking-wide text-zinc-500";
