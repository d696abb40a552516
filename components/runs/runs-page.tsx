"use client";
/**
 * Runs history: every run, newest first, with flow + version, its inputs and id, status (and
 * whether it succeeded only after a re-run), start, duration, step counts, tokens and cost.
 * Filters by flow and status and a search live in the URL (?flowId=&status=&q=&cursor=),
 * changed functionally (lib/client/url-state.ts): two quick changes both stick.
 * Refetches every 2 s while a run on the page is still going, so statuses update in place.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { RUN_STATUSES } from "@/lib/db/schema";
import { useEffect, useRef, useState } from "react";
import { flowKeys, getFlow, listFlows } from "@/lib/client/flows";
import { listRuns, runKeys, type RunFilters } from "@/lib/client/runs";
import { TERMINAL_RUN, type RunSummary } from "@/lib/client/run-types";
import { PendingQuery, withParams } from "@/lib/client/url-state";
import { formatDuration } from "@/lib/timeline/lanes";
import { buttonClass, ErrorNote } from "./dialog";
import { RunDialog } from "./run-dialog";
import { formatCost, formatTokens, StateBadge } from "./status";
import { useNow } from "./use-now";

const PAGE_SIZE = 25;
const SEARCH_DEBOUNCE_MS = 300;

/** The run's inputs in one line: `task: …` pairs (a lone input shows its value only). */
export function inputsLine(inputs: Record<string, unknown>): string {
  const entries = Object.entries(inputs).filter(([, v]) => v !== undefined && v !== null && v !== "");
  const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v)).replace(/\s+/g, " ").trim();
  if (entries.length === 1) return show(entries[0][1]);
  return entries.map(([k, v]) => `${k}: ${show(v)}`).join(" · ");
}

/** A run that went green only after a person re-ran one of its steps. */
function RecoveredMark({ run }: { run: RunSummary }) {
  if (run.status !== "succeeded" || run.stepReruns === 0) return null;
  return (
    <span
      className="ml-1 rounded bg-amber-50 px-1 text-[10px] font-medium text-amber-800 ring-1 ring-inset ring-amber-200"
      title={`Succeeded after ${run.stepReruns} step re-run${run.stepReruns === 1 ? "" : "s"}`}
      data-testid="rerun-marker"
    >
      ↻ after re-run
    </span>
  );
}

function duration(run: RunSummary, now: number): string {
  if (!run.startedAt) return "—";
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return formatDuration(end - Date.parse(run.startedAt));
}

export function RunsPage() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters: RunFilters = {
    flowId: params.get("flowId") || undefined,
    status: params.get("status") || undefined,
    cursor: params.get("cursor") || undefined,
    q: params.get("q") || undefined,
    pageSize: PAGE_SIZE,
  };
  const flows = useQuery({ queryKey: flowKeys.list(), queryFn: listFlows });
  const runs = useQuery({
    queryKey: runKeys.list(filters),
    queryFn: () => listRuns(filters),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.runs.some((r) => !TERMINAL_RUN.includes(r.status)) ? 2_000 : 10_000),
  });
  const filteredFlow = (flows.data ?? []).find((f) => f.id === filters.flowId);
  const [running, setRunning] = useState(false);
  const detail = useQuery({
    queryKey: flowKeys.detail(filters.flowId ?? ""),
    queryFn: () => getFlow(filters.flowId!),
    enabled: running && !!filters.flowId,
  });
  const anyActive = runs.data?.runs.some((r) => !TERMINAL_RUN.includes(r.status)) ?? false;
  const now = useNow(anyActive, 1000);

  const pending = useRef(new PendingQuery());
  // The latest rendered query, also for calls from timers set up by earlier renders.
  const renderedRef = useRef(params.toString());
  renderedRef.current = params.toString();
  const setParam = (name: string, value: string | undefined) => {
    const rendered = renderedRef.current;
    // From the newest requested query, not this render's: a change made before the router
    // rendered the previous one must not undo it.
    const base = pending.current.base(rendered);
    // A new filter starts at the newest page; paging keeps history so Back goes newer.
    const next = withParams(base, name === "cursor" ? { cursor: value } : { [name]: value, cursor: undefined });
    if (next === base) return;
    pending.current.request(next, rendered);
    const url = `${pathname}${next ? `?${next}` : ""}`;
    if (name === "cursor") router.push(url);
    else router.replace(url);
  };

  // The search box types freely; the URL (and the query) follow once typing pauses.
  const [search, setSearch] = useState(filters.q ?? "");
  const urlSearch = filters.q ?? "";
  const typed = useRef(false);
  useEffect(() => {
    if (!typed.current) setSearch(urlSearch);
  }, [urlSearch]);
  useEffect(() => {
    if (!typed.current) return;
    const timer = setTimeout(() => {
      typed.current = false;
      setParam("q", search.trim() || undefined);
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // setParam reads the latest queries through refs; only the typed text matters here.
  }, [search]);

  return (
    <div className="mx-auto max-w-6xl space-y-3 p-4" data-testid="runs-page">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-base font-semibold text-zinc-900">Runs</h1>
        <label className="flex items-center gap-1 text-[12px] text-zinc-600">
          Flow
          <select className="rounded border border-zinc-300 bg-white px-1 py-0.5" value={filters.flowId ?? ""} onChange={(e) => setParam("flowId", e.target.value || undefined)} data-testid="filter-flow">
            <option value="">All flows</option>
            {(flows.data ?? []).map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
            {filters.flowId && !(flows.data ?? []).some((f) => f.id === filters.flowId) ? <option value={filters.flowId}>{filters.flowId}</option> : null}
          </select>
        </label>
        <label className="flex items-center gap-1 text-[12px] text-zinc-600">
          Status
          <select className="rounded border border-zinc-300 bg-white px-1 py-0.5" value={filters.status ?? ""} onChange={(e) => setParam("status", e.target.value || undefined)} data-testid="filter-status">
            <option value="">Any status</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1 text-[12px] text-zinc-600">
          Search
          <input
            type="search"
            className="w-56 rounded border border-zinc-300 bg-white px-1.5 py-0.5"
            placeholder="task, run id or flow"
            value={search}
            onChange={(e) => {
              typed.current = true;
              setSearch(e.target.value);
            }}
            data-testid="filter-search"
          />
        </label>
        {runs.isFetching ? <span className="text-[11px] text-zinc-400">updating…</span> : null}
        {filteredFlow ? (
          <button type="button" className={`ml-auto ${buttonClass.primary}`} onClick={() => setRunning(true)} data-testid="run-flow">
            ▶ Run {filteredFlow.name}
          </button>
        ) : null}
      </div>
      <ErrorNote error={runs.error ?? detail.error} />
      {running && filteredFlow && detail.data ? (
        <RunDialog flowId={filteredFlow.id} flowName={filteredFlow.name} inputs={detail.data.document.inputs} onClose={() => setRunning(false)} />
      ) : null}
      <div className="overflow-x-auto rounded border border-zinc-200 bg-white">
        <table className="w-full text-left text-[12px]" data-testid="runs-table">
          <thead className="border-b border-zinc-200 bg-zinc-50 text-[11px] uppercase tracking-wide text-zinc-500">
            <tr>
              <th className="px-3 py-1.5">Flow</th>
              <th className="px-3 py-1.5">Status</th>
              <th className="px-3 py-1.5">Started</th>
              <th className="px-3 py-1.5">Duration</th>
              <th className="px-3 py-1.5">Steps ok / failed / total</th>
              <th className="px-3 py-1.5">Tokens</th>
              <th className="px-3 py-1.5">Cost</th>
              <th className="px-3 py-1.5" />
            </tr>
          </thead>
          <tbody>
            {(runs.data?.runs ?? []).map((run) => (
              <tr key={run.id} className="border-b border-zinc-100 hover:bg-zinc-50" data-testid="run-row" data-run-id={run.id} data-status={run.status}>
                <td className="max-w-md px-3 py-1.5">
                  <Link href={`/runs/${encodeURIComponent(run.id)}`} className="font-medium text-zinc-900 hover:underline" data-testid="run-link">
                    {run.flowName || run.flowId}
                  </Link>{" "}
                  <span className="text-zinc-400">v{run.flowVersion}</span>
                  {inputsLine(run.inputs) ? (
                    <div className="truncate text-zinc-600" title={inputsLine(run.inputs)} data-testid="run-inputs">
                      {inputsLine(run.inputs)}
                    </div>
                  ) : null}
                  <div className="font-mono text-[10px] text-zinc-400">
                    <span data-testid="run-id">{run.id}</span>
                    {run.parentRunId ? (
                      <>
                        {" "}
                        · re-run of{" "}
                        <Link href={`/runs/${encodeURIComponent(run.parentRunId)}`} className="hover:underline" data-testid="run-parent">
                          {run.parentRunId}
                        </Link>
                      </>
                    ) : null}
                  </div>
                </td>
                <td className="whitespace-nowrap px-3 py-1.5">
                  <StateBadge state={run.status} />
                  <RecoveredMark run={run} />
                </td>
                <td className="px-3 py-1.5 text-zinc-600">{new Date(run.startedAt ?? run.createdAt).toLocaleString()}</td>
                <td className="px-3 py-1.5 tabular-nums text-zinc-600">{duration(run, now)}</td>
                <td className="px-3 py-1.5 tabular-nums">
                  <span className="text-emerald-700">{run.counts.succeeded}</span> / <span className={run.counts.failed ? "text-red-700" : "text-zinc-500"}>{run.counts.failed}</span> /{" "}
                  <span className="text-zinc-600">{run.counts.total}</span>
                </td>
                <td className="px-3 py-1.5 tabular-nums text-zinc-600">{formatTokens(run.usage)}</td>
                <td className="px-3 py-1.5 tabular-nums text-zinc-600">{formatCost(run.usage.costUsd)}</td>
                <td className="px-3 py-1.5 text-right">
                  <Link href={`/runs/${encodeURIComponent(run.id)}`} className="text-sky-700 hover:underline">
                    open →
                  </Link>
                </td>
              </tr>
            ))}
            {runs.data && runs.data.runs.length === 0 ? (
              <tr>
                <td colSpan={8} className="px-3 py-6 text-center text-zinc-400">
                  No runs{filters.flowId || filters.status || filters.q ? " match these filters" : " yet"}.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <div className="flex items-center gap-2 text-[12px] text-zinc-600">
        <button type="button" className={buttonClass.secondary} disabled={!filters.cursor} onClick={() => setParam("cursor", undefined)} data-testid="page-newest">
          ← Newest
        </button>
        <button
          type="button"
          className={buttonClass.secondary}
          disabled={!runs.data?.nextCursor}
          onClick={() => setParam("cursor", runs.data?.nextCursor ?? undefined)}
          data-testid="page-next"
        >
          Older →
        </button>
      </div>
    </div>
  );
}
