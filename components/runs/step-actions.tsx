"use client";
/**
 * What a person can do to the selected step: Re-run step (one click on a failed step),
 * Re-run with changes… (edited prompt or another profile), Re-run from here, Approve (with
 * the diff being approved) and Pick winner (contestants side by side). Each calls the Run API
 * and shows its error inline.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { flowKeys, listProfiles } from "@/lib/client/flows";
import { reviewStep, type ReviewRequest } from "@/lib/client/review";
import { approveStep, rerunStep, selectWinner, type RerunStepChanges } from "@/lib/client/runs";
import type { LiveRun, RunDetail, StepDto } from "@/lib/client/run-types";
import { liveKey } from "@/lib/client/run-types";
import { buttonClass, Dialog, ErrorNote } from "./dialog";
import { DiffViewer } from "./diff-viewer";
import { ReviewDiff } from "./review-diff";
import { Markdown } from "./markdown";
import { useRunAction } from "./use-run-action";

const RERUNNABLE = new Set(["failed", "canceled", "succeeded", "skipped"]);

function RerunWithChanges({ run, step, onClose }: { run: RunDetail; step: StepDto; onClose(): void }) {
  const profiles = useQuery({ queryKey: flowKeys.profiles, queryFn: listProfiles });
  const initialPrompt = typeof step.spec.prompt === "string" ? step.spec.prompt : "";
  const initialProfile = typeof step.spec.profile === "string" ? step.spec.profile : "";
  const [prompt, setPrompt] = useState(initialPrompt);
  const [profile, setProfile] = useState(initialProfile);
  const action = useRunAction(run.id, (changes: RerunStepChanges) => rerunStep(run.id, step.id, changes));
  const submit = () => {
    const changes: RerunStepChanges = {};
    if (prompt !== initialPrompt) changes.prompt = prompt;
    if (profile !== initialProfile) changes.profile = profile;
    action.mutate(changes, { onSuccess: onClose });
  };
  return (
    <Dialog title={`Re-run ${step.key} with changes`} onClose={onClose} testId="rerun-changes-dialog">
      <div className="space-y-3 text-[12px]">
        <label className="block">
          <span className="mb-1 block font-medium text-zinc-700">Prompt template</span>
          <textarea
            className="h-48 w-full rounded border border-zinc-300 p-2 font-mono text-[12px]"
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
            data-testid="rerun-prompt"
          />
        </label>
        {initialProfile ? (
          <label className="block">
            <span className="mb-1 block font-medium text-zinc-700">Agent profile</span>
            <select className="w-full rounded border border-zinc-300 p-1" value={profile} onChange={(e) => setProfile(e.target.value)} data-testid="rerun-profile">
              {[initialProfile, ...(profiles.data ?? []).map((p) => p.id).filter((id) => id !== initialProfile)].map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <ErrorNote error={action.error} />
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonClass.secondary} onClick={onClose}>
            Cancel
          </button>
          <button type="button" className={buttonClass.primary} disabled={action.isPending} onClick={submit} data-testid="rerun-changes-submit">
            Re-run step
          </button>
        </div>
      </div>
    </Dialog>
  );
}

/** Diffs of the steps an approval waits on: what is being approved. */
export function upstreamDiffs(run: RunDetail, step: StepDto): Array<{ key: string; diff: string }> {
  const upstream = Array.isArray(step.spec.upstream) ? (step.spec.upstream as unknown[]).filter((u): u is string => typeof u === "string") : step.dependsOn;
  return run.steps.filter((s) => upstream.includes(s.key) && s.diff).map((s) => ({ key: s.key, diff: s.diff ?? "" }));
}

function ApprovePanel({ run, step }: { run: RunDetail; step: StepDto }) {
  const action = useRunAction(run.id, () => approveStep(run.id, step.id));
  const review = useRunAction(run.id, (body: ReviewRequest) => reviewStep(run.id, step.id, body));
  const [reason, setReason] = useState("");
  const [rejecting, setRejecting] = useState(false);
  const diffs = upstreamDiffs(run, step);
  const message = typeof step.spec.message === "string" ? step.spec.message : null;
  const waitpoint = typeof step.detail.waitpoint === "string" ? step.detail.waitpoint : null;
  return (
    <div className="space-y-2 rounded border border-amber-300 bg-amber-50 p-2" data-testid="approval-panel">
      <div className="text-[12px] font-medium text-amber-900">{message ?? "This step waits for your approval."}</div>
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className={buttonClass.primary} disabled={action.isPending} onClick={() => action.mutate(undefined)} data-testid="approve-step">
          Approve
        </button>
        {rejecting ? (
          <>
            <input
              autoFocus
              className="w-64 rounded border border-zinc-300 px-1 text-[12px]"
              placeholder="Why? (the run fails with this reason)"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="reject-reason"
            />
            <button
              type="button"
              className={buttonClass.danger}
              disabled={review.isPending || !reason.trim()}
              onClick={() => review.mutate({ decision: "reject", reason: reason.trim() })}
              data-testid="reject-confirm"
            >
              Reject
            </button>
          </>
        ) : (
          <button type="button" className={buttonClass.danger} onClick={() => setRejecting(true)} data-testid="reject-step">
            Reject…
          </button>
        )}
      </div>
      <ErrorNote error={action.error ?? review.error} />
      {diffs.length === 0 ? <div className="text-[12px] text-zinc-500">No upstream changes to review.</div> : null}
      {diffs.map((d) => (
        <div key={d.key} className="rounded bg-white p-2">
          <div className="mb-1 text-[11px] font-medium text-zinc-500">Changes from {d.key}: comment on a line or a file, then request changes</div>
          <ReviewDiff
            diff={d.diff}
            title={`Comments go back to ${d.key}: it runs again from this result, then this approval waits again.`}
            pending={review.isPending}
            error={null}
            submit={(comments, note, done) =>
              review.mutate({ decision: "request-changes", comments, target: d.key, ...(note ? { reason: note } : {}) }, { onSuccess: done })
            }
          />
        </div>
      ))}
      {waitpoint ? (
        <details className="text-[11px] text-zinc-600" data-testid="waitpoint">
          <summary className="cursor-pointer">Answer from elsewhere (chat bot, CI)</summary>
          <pre className="mt-1 whitespace-pre-wrap break-all rounded bg-white p-1 font-mono">
            {`curl -X POST ${typeof window === "undefined" ? "" : window.location.origin}/api/waitpoints/${waitpoint} \\\n  -H 'content-type: application/json' -d '{"decision":"approve"}'`}
          </pre>
          <div>Or {"{"}&quot;decision&quot;:&quot;reject&quot;,&quot;reason&quot;:&quot;…&quot;{"}"}. The token answers this approval only, while it waits.</div>
        </details>
      ) : null}
    </div>
  );
}

function PickWinnerPanel({ run, step, live }: { run: RunDetail; step: StepDto; live: LiveRun | undefined }) {
  const action = useRunAction(run.id, (winner: string) => selectWinner(run.id, step.id, winner));
  const contestants = run.steps.filter((s) => s.nodeId === step.nodeId && s.role === "contestant");
  return (
    <div className="space-y-2 rounded border border-violet-300 bg-violet-50 p-2" data-testid="pick-winner-panel">
      <div className="text-[12px] font-medium text-violet-900">Pick the winner of {step.nodeId}</div>
      <ErrorNote error={action.error} />
      <div className="grid gap-2" style={{ gridTemplateColumns: `repeat(${Math.max(1, contestants.length)}, minmax(0, 1fr))` }}>
        {contestants.map((c) => {
          const output = c.output ?? live?.attempts[liveKey(c.id, c.attempt)]?.text ?? "";
          return (
            <div key={c.id} className="flex min-w-0 flex-col gap-2 rounded bg-white p-2" data-testid="contestant-card" data-key={c.key}>
              <div className="flex items-center gap-2 text-[12px]">
                <span className="font-medium">{c.key}</span>
                <span className="text-zinc-500">{typeof c.spec.profile === "string" ? c.spec.profile : ""}</span>
                <span className="ml-auto text-zinc-500">{c.state}</span>
              </div>
              <div className="max-h-64 overflow-auto">
                <Markdown text={output || "(no output)"} />
              </div>
              {c.diff ? <DiffViewer diff={c.diff} /> : null}
              <button
                type="button"
                className={buttonClass.primary}
                disabled={action.isPending || c.state !== "succeeded"}
                onClick={() => action.mutate(c.key)}
                data-testid={`pick-${c.key}`}
              >
                Pick {c.key}
              </button>
            </div>
          );
        })}
      </div>
    </div>
  );
}

export function StepActions({ run, step, live }: { run: RunDetail; step: StepDto; live: LiveRun | undefined }) {
  const [changing, setChanging] = useState(false);
  // The engine re-runs a step and then everything downstream of it, so "Re-run step" (on a
  // failed step) and "Re-run from here" (on any finished step) are the same call.
  const rerun = useRunAction(run.id, () => rerunStep(run.id, step.id));
  const manualSelect = step.role === "select" && step.state === "waiting";
  const approval = step.kind === "approval" && step.state === "waiting";
  const canRerun = RERUNNABLE.has(step.state) && step.role !== "select";
  return (
    <div className="space-y-2" data-testid="step-actions">
      <div className="flex flex-wrap gap-2">
        {step.state === "failed" || step.state === "canceled" ? (
          <button type="button" className={buttonClass.primary} disabled={rerun.isPending} onClick={() => rerun.mutate(undefined)} data-testid="rerun-step">
            Re-run step
          </button>
        ) : null}
        {canRerun && step.kind !== "approval" ? (
          <button type="button" className={buttonClass.secondary} onClick={() => setChanging(true)} data-testid="rerun-with-changes">
            Re-run with changes…
          </button>
        ) : null}
        {canRerun && step.state !== "failed" && step.state !== "canceled" ? (
          <button
            type="button"
            className={buttonClass.secondary}
            disabled={rerun.isPending}
            title="Re-runs this step and everything after it; earlier steps are reused"
            onClick={() => rerun.mutate(undefined)}
            data-testid="rerun-from-here"
          >
            Re-run from here
          </button>
        ) : null}
      </div>
      <ErrorNote error={rerun.error} />
      {approval ? <ApprovePanel run={run} step={step} /> : null}
      {manualSelect ? <PickWinnerPanel run={run} step={step} live={live} /> : null}
      {changing ? <RerunWithChanges run={run} step={step} onClose={() => setChanging(false)} /> : null}
    </div>
  );
}
