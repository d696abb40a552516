/** How states look everywhere on the run screens: one colour and one icon per state. */
import type { ReactNode } from "react";

export const STATE_LOOK: Record<string, { icon: string; badge: string; bar: string }> = {
  pending: { icon: "○", badge: "bg-zinc-100 text-zinc-600", bar: "bg-zinc-300" },
  ready: { icon: "·", badge: "bg-sky-100 text-sky-700", bar: "bg-sky-300" },
  running: { icon: "▶", badge: "bg-sky-500 text-white", bar: "bg-sky-500" },
  waiting: { icon: "‖", badge: "bg-amber-100 text-amber-800", bar: "bg-amber-400" },
  succeeded: { icon: "✓", badge: "bg-emerald-100 text-emerald-800", bar: "bg-emerald-500" },
  failed: { icon: "✕", badge: "bg-red-100 text-red-700", bar: "bg-red-500" },
  canceled: { icon: "■", badge: "bg-zinc-200 text-zinc-700", bar: "bg-zinc-400" },
  skipped: { icon: "»", badge: "bg-zinc-100 text-zinc-500", bar: "bg-zinc-200" },
};

export const lookOf = (state: string) => STATE_LOOK[state] ?? STATE_LOOK.pending;

export function StateBadge({ state, children }: { state: string; children?: ReactNode }) {
  const look = lookOf(state);
  return (
    <span
      className={`inline-flex items-center gap-1 rounded px-1.5 py-px text-[11px] font-medium ${look.badge}`}
      data-testid="state-badge"
      data-state={state}
    >
      <span aria-hidden>{look.icon}</span>
      {state}
      {children}
    </span>
  );
}

export function formatTokens(usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number }): string {
  const total = usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
  if (!total) return "—";
  return total >= 10_000 ? `${(total / 1000).toFixed(1)}k` : String(total);
}

export function formatCost(costUsd: number | undefined): string {
  if (costUsd === undefined || costUsd === 0) return "—";
  return costUsd < 0.01 ? `$${costUsd.toFixed(4)}` : `$${costUsd.toFixed(2)}`;
}
