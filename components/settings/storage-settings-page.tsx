"use client";
/**
 * Settings → Storage: how long finished runs keep their attempt refs and kept worktrees (the
 * value in force and where it comes from: this page, BATON_REF_RETENTION_DAYS, or the
 * default), and the space they take now — per repository, the refs and the bytes only they
 * keep; under the data dir, kept run worktrees and the worktree pool. "Apply now" prunes
 * at once what the sweep would prune within the hour.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { applyRetention, getStorage, setRetention, settingsKeys, type RetentionDto } from "@/lib/client/settings";
import { buttonClass, inputClass, labelClass, primaryButtonClass } from "./ui";

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

function sourceText(retention: RetentionDto): string {
  if (retention.source === "setting") return retention.env ? `set on this page (overrides BATON_REF_RETENTION_DAYS=${retention.env})` : "set on this page";
  if (retention.source === "env") return `from BATON_REF_RETENTION_DAYS=${retention.env} in the server's environment`;
  return `the default (${retention.defaultDays} days; BATON_REF_RETENTION_DAYS is not set)`;
}

function RetentionForm({ retention }: { retention: RetentionDto }) {
  const queryClient = useQueryClient();
  const [forever, setForever] = useState(retention.days === null);
  const [days, setDays] = useState(String(retention.days ?? retention.defaultDays));
  const save = useMutation({
    mutationFn: (value: number | "forever" | null) => setRetention(value),
    onSuccess: (next) => {
      setForever(next.days === null);
      setDays(String(next.days ?? next.defaultDays));
      void queryClient.invalidateQueries({ queryKey: settingsKeys.storage });
    },
  });
  const apply = useMutation({ mutationFn: applyRetention, onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsKeys.storage }) });
  const valid = forever || /^\d{1,5}$/.test(days.trim());
  return (
    <section className="space-y-2 rounded-md border border-zinc-200 bg-white p-4" data-testid="retention-section">
      <h2 className={labelClass}>Retention of finished runs</h2>
      <p className="text-[12.5px] text-zinc-700" data-testid="retention-current" data-days={retention.days ?? "forever"} data-source={retention.source}>
        A run that ended{" "}
        <b>{retention.days === null ? "— never (kept forever)" : `${retention.days} ${retention.days === 1 ? "day" : "days"} ago or earlier`}</b> loses its
        attempt refs (<code className="text-[11.5px]">refs/baton/&lt;run&gt;/*</code>) and the worktrees it kept. Now: {sourceText(retention)}. Branches you
        made from a result are never deleted.
      </p>
      <form
        className="flex flex-wrap items-center gap-2 text-[12.5px]"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) save.mutate(forever ? "forever" : Number(days.trim()));
        }}
      >
        <label className="flex items-center gap-1.5 whitespace-nowrap">
          Keep for
          <input
            className={inputClass.replace("w-full", "w-20")}
            value={days}
            disabled={forever}
            inputMode="numeric"
            aria-invalid={!valid}
            onChange={(e) => setDays(e.target.value)}
            data-testid="retention-days"
          />
          days
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={forever} onChange={(e) => setForever(e.target.checked)} data-testid="retention-forever" /> forever
        </label>
        <button type="submit" className={primaryButtonClass} disabled={!valid || save.isPending} data-testid="retention-save">
          Save
        </button>
        {retention.source === "setting" ? (
          <button type="button" className={buttonClass} disabled={save.isPending} onClick={() => save.mutate(null)} data-testid="retention-reset">
            Use {retention.env ? "BATON_REF_RETENTION_DAYS" : "the default"}
          </button>
        ) : null}
        <button type="button" className={buttonClass} disabled={apply.isPending || retention.days === null} onClick={() => apply.mutate()} data-testid="retention-apply">
          Apply now
        </button>
        {!valid ? <span className="text-[11.5px] text-red-700">days: a whole number from 0 to 99999</span> : null}
        {save.error ? <span className="text-[11.5px] text-red-700" role="alert">{save.error.message}</span> : null}
        {apply.error ? <span className="text-[11.5px] text-red-700" role="alert">{apply.error.message}</span> : null}
        {apply.data ? (
          <span className="text-[11.5px] text-zinc-600" role="status" data-testid="retention-applied">
            Deleted {apply.data.refs} refs of {apply.data.runs.length} runs and the worktrees of {apply.data.worktreeRuns.length} runs.
          </span>
        ) : null}
      </form>
    </section>
  );
}

export function StorageSettingsPage() {
  const storage = useQuery({ queryKey: settingsKeys.storage, queryFn: getStorage });
  const data = storage.data;
  return (
    <div className="mx-auto max-w-5xl space-y-4 px-6 py-5" data-testid="storage-settings">
      <div className="flex items-center gap-3">
        <h1 className="text-[15px] font-semibold text-zinc-900">Settings</h1>
        <span className="text-[12.5px] font-medium text-zinc-900">Storage</span>
        <Link href="/settings/agents" className="text-[12.5px] text-zinc-500 hover:text-zinc-900" data-testid="settings-agents-link">
          Agents
        </Link>
      </div>
      {storage.error ? <p className="text-[12.5px] text-red-700">Could not load the storage figures: {storage.error.message}</p> : null}
      {!data ? <p className="text-[12px] text-zinc-400">Measuring…</p> : null}
      {data ? <RetentionForm key={`${data.retention.source}:${data.retention.days}`} retention={data.retention} /> : null}
      {data ? (
        <section className="space-y-2 rounded-md border border-zinc-200 bg-white p-4" data-testid="storage-section">
          <h2 className={labelClass}>Space taken</h2>
          <table className="w-full border-collapse text-[12.5px]">
            <thead>
              <tr className="border-b border-zinc-200 text-left text-[11px] font-semibold uppercase tracking-wide text-zinc-500">
                <th className="py-1 pr-3">Where</th>
                <th className="py-1 pr-3 text-right">Runs</th>
                <th className="py-1 pr-3 text-right">Refs / worktrees</th>
                <th className="py-1 text-right">Space</th>
              </tr>
            </thead>
            <tbody>
              {data.storage.repos.map((r) => (
                <tr key={r.repo} className="border-b border-zinc-100" data-testid="storage-repo" data-repo={r.repo} data-refs={r.refs}>
                  <td className="py-1 pr-3 font-mono text-[11.5px] text-zinc-800">
                    {r.repo}
                    {r.note ? <span className="ml-2 font-sans text-amber-800">({r.note})</span> : null}
                  </td>
                  <td className="py-1 pr-3 text-right tabular-nums">{r.runs}</td>
                  <td className="py-1 pr-3 text-right tabular-nums">{r.refs} refs</td>
                  <td className="py-1 text-right tabular-nums" title="Objects reachable only from Baton's refs (what deleting them and a git gc can give back)">
                    {r.bytes === null ? "—" : formatBytes(r.bytes)}
                  </td>
                </tr>
              ))}
              <tr className="border-b border-zinc-100" data-testid="storage-worktrees" data-runs={data.storage.worktrees.runs}>
                <td className="py-1 pr-3 text-zinc-800">Worktrees kept by runs (data dir)</td>
                <td className="py-1 pr-3 text-right tabular-nums">{data.storage.worktrees.runs}</td>
                <td className="py-1 pr-3 text-right tabular-nums" />
                <td className="py-1 text-right tabular-nums">{formatBytes(data.storage.worktrees.bytes)}</td>
              </tr>
              <tr data-testid="storage-pool">
                <td className="py-1 pr-3 text-zinc-800">Worktree pool (reused by the next steps; idle ones are removed)</td>
                <td className="py-1 pr-3" />
                <td className="py-1 pr-3 text-right tabular-nums">{data.storage.pool.worktrees} worktrees</td>
                <td className="py-1 text-right tabular-nums">{formatBytes(data.storage.pool.bytes)}</td>
              </tr>
            </tbody>
          </table>
          <p className="text-[11.5px] text-zinc-500">A single run&apos;s refs and worktrees can be deleted from its page (Delete this run&apos;s refs).</p>
        </section>
      ) : null}
    </div>
  );
}
