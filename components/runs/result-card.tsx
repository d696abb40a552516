"use client";
/**
 * The run's result: its final commit (or the merge of its sinks' results), the combined diff
 * against the base with stats, and the ways to take it: Create branch, Merge into <base>,
 * Export patch, Push. A run that has not succeeded offers what succeeded so far, labelled.
 * Refetched whenever a step's state or commit changes (the stamp in the query key).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { createResultBranch, getRunResult, mergeResult, patchUrl, pushResult } from "@/lib/client/run-result";
import type { RunDetail } from "@/lib/client/run-types";
import type { RunResult } from "@/lib/results/schemas";
import { buttonClass, ErrorNote } from "./dialog";
import { DiffViewer } from "./diff-viewer";

const short = (commit: string | null | undefined) => (commit ? commit.slice(0, 10) : "");

function stampOf(run: RunDetail): string {
  return `${run.status}|${run.refsDeletedAt ?? ""}|${run.steps.map((s) => `${s.state}:${s.attempt}:${s.resultCommit ?? ""}`).join(",")}`;
}

function mergeLabel(merge: NonNullable<RunResult["merge"]>): string {
  const into = merge.into ?? "base";
  if (merge.state === "fast-forward") return `Merge into ${into} (fast-forward)`;
  if (merge.state === "up-to-date") return `${into} already has it`;
  return `Merge into ${into}`;
}

function MergeAction({ run, result, onDone }: { run: RunDetail; result: RunResult; onDone(): void }) {
  const action = useMutation({ mutationFn: () => mergeResult(run.id), onSettled: onDone });
  const merge = result.merge;
  if (!merge) return null;
  const dirty = merge.checkout && merge.checkout.dirtyPaths.length > 0 ? merge.checkout : null;
  const blocked = merge.state === "conflict" || merge.state === "no-branch" || merge.state === "up-to-date" || !!dirty;
  return (
    <div className="space-y-1">
      <button type="button" className={buttonClass.primary} disabled={blocked || action.isPending} onClick={() => action.mutate()} data-testid="result-merge">
        {mergeLabel(merge)}
      </button>
      {merge.state === "conflict" ? (
        <div className="text-[11px] text-red-700" data-testid="result-merge-conflict">
          Conflicts with {merge.into} in: {merge.paths.join(", ")}
        </div>
      ) : null}
      {merge.state === "no-branch" ? <div className="text-[11px] text-zinc-500">The run's base is not a branch: create a branch instead.</div> : null}
      {dirty ? (
        <div className="text-[11px] text-amber-800" data-testid="result-merge-dirty">
          {merge.into} is checked out at {dirty.path} with uncommitted changes in {dirty.dirtyPaths.join(", ")}; commit or stash them to merge.
        </div>
      ) : null}
      {action.data ? (
        <div className="text-[11px] text-emerald-800" data-testid="result-merged">
          {action.data.mode === "up-to-date" ? `${action.data.into} already had it` : `${action.data.into} is now at ${short(action.data.after)} (${action.data.mode})`}
          {action.data.checkout ? `; your checkout at ${action.data.checkout} moved with it` : ""}
        </div>
      ) : null}
      <ErrorNote error={action.error} />
    </div>
  );
}

function BranchAction({ run, onDone }: { run: RunDetail; onDone(): void }) {
  const [name, setName] = useState(`baton/${run.id}`);
  const action = useMutation({ mutationFn: () => createResultBranch(run.id, name.trim()), onSettled: onDone });
  return (
    <div className="space-y-1">
      <div className="flex gap-1">
        <input className="w-48 rounded border border-zinc-300 px-1 font-mono text-[11px]" value={name} onChange={(e) => setName(e.target.value)} aria-label="Branch name" data-testid="result-branch-name" />
        <button type="button" className={buttonClass.secondary} disabled={action.isPending || !name.trim()} onClick={() => action.mutate()} data-testid="result-branch">
          Create branch
        </button>
      </div>
      {action.data ? <div className="text-[11px] text-emerald-800">Created {action.data.branch} at {short(action.data.commit)}</div> : null}
      <ErrorNote error={action.error} />
    </div>
  );
}

function PushAction({ run, result }: { run: RunDetail; result: RunResult }) {
  const [remote, setRemote] = useState(result.remotes[0]?.name ?? "");
  const [branch, setBranch] = useState(`baton/${run.id}`);
  const action = useMutation({ mutationFn: () => pushResult(run.id, remote, branch.trim()) });
  if (result.remotes.length === 0) return <div className="text-[11px] text-zinc-400">No remote configured: push needs one (git remote add).</div>;
  return (
    <div className="space-y-1">
      <div className="flex gap-1">
        <select className="rounded border border-zinc-300 text-[11px]" value={remote} onChange={(e) => setRemote(e.target.value)} aria-label="Remote">
          {result.remotes.map((r) => (
            <option key={r.name} value={r.name}>
              {r.name}
            </option>
          ))}
        </select>
        <input className="w-40 rounded border border-zinc-300 px-1 font-mono text-[11px]" value={branch} onChange={(e) => setBranch(e.target.value)} aria-label="Remote branch" />
        <button type="button" className={buttonClass.secondary} disabled={action.isPending || !branch.trim()} onClick={() => action.mutate()} data-testid="result-push">
          Push
        </button>
      </div>
      {action.data ? (
        <div className="text-[11px] text-emerald-800">
          Pushed {short(action.data.commit)} to {action.data.remote}/{action.data.branch}
          {action.data.compareUrl ? (
            <>
              {" "}
              ·{" "}
              <a className="underline" href={action.data.compareUrl} target="_blank" rel="noreferrer">
                open a pull request
              </a>
            </>
          ) : null}
        </div>
      ) : null}
      <ErrorNote error={action.error} />
    </div>
  );
}

export function ResultCard({ run }: { run: RunDetail }) {
  const queryClient = useQueryClient();
  const key = ["runs", "result", run.id, stampOf(run)] as const;
  const query = useQuery({ queryKey: key, queryFn: () => getRunResult(run.id), enabled: !!run.repo, staleTime: 30_000 });
  const [showDiff, setShowDiff] = useState(false);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["runs", "result", run.id] });
  if (!run.repo) return null;
  const result = query.data;
  return (
    <section className="mb-3 rounded border border-zinc-200 bg-white p-2 text-[12px]" data-testid="result-card" data-state={result?.state ?? "loading"}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-semibold text-zinc-900">Result</span>
        {result?.partial ? (
          <span className="rounded bg-amber-100 px-1.5 py-0.5 text-[11px] font-medium text-amber-900" data-testid="result-partial">
            {run.status === "failed" || run.status === "canceled" ? `Partial — the run ${run.status}; what succeeded before it` : "Partial — the run is not finished"}
          </span>
        ) : null}
        {result?.commit ? <span className="font-mono text-[11px] text-zinc-700" data-testid="result-commit">{short(result.commit)}</span> : null}
        {result?.stats ? (
          <span className="tabular-nums text-zinc-600" data-testid="result-stats">
            <span className="text-emerald-700">+{result.stats.additions}</span> <span className="text-red-700">−{result.stats.deletions}</span> in {result.stats.files} file
            {result.stats.files === 1 ? "" : "s"} vs {run.baseRef ?? "HEAD"} ({short(result.baseCommit)})
          </span>
        ) : null}
        {result?.sources.length && result.sources.length > 1 ? <span className="text-zinc-500">merge of {result.sources.map((s) => s.key).join(" + ")}</span> : null}
        {result?.branches.length ? <span className="text-zinc-500">on {result.branches.join(", ")}</span> : null}
      </div>
      {query.isPending ? <div className="text-zinc-400">Computing the result…</div> : null}
      <ErrorNote error={query.error} />
      {result && result.state !== "ready" ? (
        <div className={result.state === "conflict" ? "text-red-700" : "text-zinc-500"} data-testid="result-reason">
          {result.reason}
        </div>
      ) : null}
      {result?.state === "ready" ? (
        <div className="mt-2 space-y-2">
          <div className="flex flex-wrap items-start gap-3">
            <MergeAction run={run} result={result} onDone={refresh} />
            <BranchAction run={run} onDone={refresh} />
            <a className={buttonClass.secondary} href={patchUrl(run.id)} download data-testid="result-patch" title="git format-patch series: one commit per step, with its prompt and profile">
              Export patch
            </a>
            <button type="button" className={buttonClass.secondary} onClick={() => setShowDiff((v) => !v)} data-testid="result-toggle-diff">
              {showDiff ? "Hide diff" : "Show diff"}
            </button>
          </div>
          <PushAction run={run} result={result} />
          {showDiff && result.diff ? <DiffViewer diff={result.diff} /> : null}
        </div>
      ) : null}
    </section>
  );
}
