"use client";
/**
 * The selected step: state and attempt (earlier attempts selectable), actions, the rendered
 * prompt, a fix loop's rounds, live output as markdown, tool calls, the diff (live while
 * running), error and stderr, usage. The current attempt merges the stored row with what the stream has shown.
 */
import { memo, type ReactNode } from "react";
import { liveKey, type AttemptDto, type LiveRun, type RunDetail, type StepDto } from "@/lib/client/run-types";
import { formatDuration } from "@/lib/timeline/lanes";
import { CheckoutBranch } from "./checkout-branch";
import { phaseLabel } from "@/lib/timeline/phases";
import { ReviewRoundNote } from "./review-diff";
import { StepChanges } from "./step-review";
import { Markdown } from "./markdown";
import { formatCost, formatTokens, StateBadge } from "./status";
import { StepActions } from "./step-actions";
import { ToolCalls } from "./tool-calls";
import { LoopRounds } from "./loop-rounds";
import { refsDeletedRefusal } from "@/lib/runs/refs-deleted";

interface AttemptView {
  attempt: number;
  state: string;
  prompt: string | null;
  output: string;
  error: string | null;
  detail: Record<string, unknown>;
  diff: string | null;
  usage: AttemptDto["usage"];
  startedAt: string | null;
  finishedAt: string | null;
  branch: string | null;
  resultCommit: string | null;
}

function attemptView(step: StepDto, attempts: readonly AttemptDto[], live: LiveRun | undefined, attempt: number): AttemptView {
  const streamed = live?.attempts[liveKey(step.id, attempt)];
  const archived = attempts.find((a) => a.stepId === step.id && a.attempt === attempt);
  const source = attempt === step.attempt ? step : archived;
  return {
    attempt,
    state: source?.state ?? "pending",
    prompt: source?.prompt ?? null,
    // Stored output wins once the attempt ends; while it runs, the stream is all there is.
    output: source?.output ?? streamed?.text ?? "",
    error: source?.error ?? null,
    detail: source?.detail ?? {},
    diff: source?.diff ?? streamed?.diff ?? null,
    usage: source && Object.keys(source.usage).length > 0 ? source.usage : (streamed?.usage ?? {}),
    startedAt: source?.startedAt ?? null,
    finishedAt: source?.finishedAt ?? null,
    branch: source?.branch ?? null,
    // A failed attempt's result commit is kept in its detail (its work is committed too).
    resultCommit: source?.resultCommit ?? (typeof source?.detail?.resultCommit === "string" ? source.detail.resultCommit : null),
  };
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="space-y-1" data-testid={testId}>
      <h3 className="text-[11px] font-semibold uppercase tracking-wide text-zinc-500">{title}</h3>
      {children}
    </section>
  );
}

const text = (value: unknown) => (typeof value === "string" && value ? value : null);

interface Props {
  run: RunDetail;
  step: StepDto;
  attempt: number;
  live: LiveRun | undefined;
  now: number;
  onSelectAttempt(attempt: number): void;
}

export const StepPanel = memo(function StepPanel({ run, step, attempt, live, now, onSelectAttempt }: Props) {
  const view = attemptView(step, run.attempts, live, attempt);
  const streamed = live?.attempts[liveKey(step.id, attempt)];
  const running = view.state === "running";
  const attemptNumbers = [...new Set([...run.attempts.filter((a) => a.stepId === step.id).map((a) => a.attempt), ...(step.attempt > 0 ? [step.attempt] : [])])].sort(
    (a, b) => a - b,
  );
  const started = view.startedAt ? Date.parse(view.startedAt) : null;
  const elapsed = started ? (view.finishedAt ? Date.parse(view.finishedAt) : now) - started : null;
  const stderr = text(view.detail.stderr) ?? text(view.detail.stderrTail);
  const exitCode = typeof view.detail.exitCode === "number" ? view.detail.exitCode : null;
  const stopReason = text(view.detail.stopReason);
  const logs = streamed?.logs ?? [];
  // An arena contestant's verdict, once its select step has picked.
  const winnerKey = step.role === "contestant" ? run.steps.find((s) => s.nodeId === step.nodeId && s.role === "select")?.winner : null;
  // Re-run, Review changes and Check out as a branch need the run's commits: disabled, and why.
  const refsDeleted = refsDeletedRefusal(run, "step");
  return (
    <div className="space-y-4 p-3" data-testid="step-panel" data-step-key={step.key} data-attempt={attempt}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-sm font-semibold text-zinc-900">{step.key}</span>
        <span className="text-[12px] text-zinc-500">{step.kind}{step.role !== "node" ? ` · ${step.role}` : ""}</span>
        <StateBadge state={view.state} />
        {winnerKey ? (
          winnerKey === step.key ? (
            <span className="rounded bg-amber-100 px-1.5 py-px text-[11px] font-medium text-amber-800" data-testid="contestant-verdict" data-verdict="winner">
              ★ winner
            </span>
          ) : (
            <span className="rounded bg-zinc-100 px-1.5 py-px text-[11px] text-zinc-500" data-testid="contestant-verdict" data-verdict="lost">
              lost to {winnerKey}
            </span>
          )
        ) : null}
        {running && streamed?.phase ? (
          <span className="rounded bg-sky-50 px-1.5 py-px text-[11px] text-sky-800 ring-1 ring-inset ring-sky-200" data-testid="step-phase" data-phase={streamed.phase}>
            {phaseLabel(streamed.phase)}
          </span>
        ) : null}
        {elapsed !== null ? <span className="text-[12px] tabular-nums text-zinc-500">{formatDuration(elapsed)}</span> : null}
        {attemptNumbers.length > 0 ? (
          <div className="ml-auto flex items-center gap-1 text-[12px]" data-testid="attempt-picker">
            <span className="text-zinc-500">attempt</span>
            {attemptNumbers.map((n) => (
              <button
                key={n}
                type="button"
                onClick={() => onSelectAttempt(n)}
                data-testid={`attempt-${n}`}
                className={`rounded px-1.5 ${n === attempt ? "bg-zinc-900 text-white" : "bg-zinc-100 text-zinc-700 hover:bg-zinc-200"}`}
              >
                {n}
              </button>
            ))}
          </div>
        ) : null}
      </div>
      <ReviewRoundNote detail={view.detail} />
      {refsDeleted ? (
        <div className="rounded border border-zinc-200 bg-zinc-50 px-2 py-1.5 text-[12px] text-zinc-600" role="note" data-testid="refs-deleted-note">
          {refsDeleted.charAt(0).toUpperCase() + refsDeleted.slice(1)}.
        </div>
      ) : null}
      {attempt === step.attempt ? <StepActions run={run} step={step} live={live} /> : null}
      {view.error || stderr || exitCode !== null ? (
        <Section title="Error" testId="step-error">
          {view.error ? <div className="whitespace-pre-wrap rounded bg-red-50 p-2 text-[12px] text-red-800">{view.error}</div> : null}
          <div className="flex gap-3 text-[12px] text-zinc-600">
            {exitCode !== null ? <span>exit code {exitCode}</span> : null}
            {stopReason ? <span>stop reason {stopReason}</span> : null}
          </div>
          {stderr ? <pre className="max-h-48 overflow-auto whitespace-pre-wrap rounded bg-zinc-900 p-2 font-mono text-[11px] text-zinc-100">{stderr}</pre> : null}
        </Section>
      ) : null}
      {view.prompt ? (
        <Section title="Prompt">
          <details className="rounded border border-zinc-200 bg-zinc-50 p-2">
            <summary className="cursor-pointer truncate text-[12px] text-zinc-600">{view.prompt.split("\n")[0]}</summary>
            <pre className="mt-2 whitespace-pre-wrap font-mono text-[12px] text-zinc-800" data-testid="step-prompt">
              {view.prompt}
            </pre>
          </details>
        </Section>
      ) : null}
      <LoopRounds detail={view.detail} attempt={attempt} now={now} />
      <Section title={running ? "Output (live)" : "Output"} testId="step-output-section">
        {view.output ? <Markdown text={view.output} testId="step-output" /> : <div className="text-[12px] text-zinc-400">{running ? "Waiting for output…" : "No output."}</div>}
        {step.outputTruncated && attempt === step.attempt ? <div className="text-[11px] text-amber-700">Output truncated at the storage limit.</div> : null}
        {!running && streamed?.text && streamed.text.trim() !== view.output.trim() ? (
          // The output is the agent's final answer; everything it said stays readable here.
          <details className="text-[12px]" data-testid="step-transcript">
            <summary className="cursor-pointer text-zinc-500 hover:text-zinc-800">Full transcript ({streamed.text.length.toLocaleString()} characters)</summary>
            <Markdown text={streamed.text} testId="step-transcript-text" />
          </details>
        ) : null}
      </Section>
      {streamed && streamed.toolCalls.length > 0 ? (
        <Section title="Tool calls">
          <ToolCalls calls={streamed.toolCalls} />
        </Section>
      ) : null}
      {view.diff ? (
        <Section title="Changes" testId="step-diff">
          <StepChanges run={run} step={step} diff={view.diff} current={attempt === step.attempt} running={running} />
        </Section>
      ) : null}
      {logs.length > 0 ? (
        <Section title="Log">
          <pre className="max-h-48 overflow-auto whitespace-pre-wrap rounded bg-zinc-50 p-2 font-mono text-[11px]">
            {logs.map((l, i) => (
              <div key={i} className={l.stream === "stderr" ? "text-red-700" : "text-zinc-700"}>
                {l.text}
              </div>
            ))}
          </pre>
        </Section>
      ) : null}
      <Section title="Usage">
        <div className="flex gap-4 text-[12px] text-zinc-700" data-testid="step-usage">
          <span>in {view.usage.inputTokens ?? "—"}</span>
          <span>out {view.usage.outputTokens ?? "—"}</span>
          <span>tokens {formatTokens(view.usage)}</span>
          <span>cost {formatCost(view.usage.costUsd)}</span>
        </div>
        {view.branch ? (
          <div className="font-mono text-[11px] text-zinc-500" data-testid="step-ref">
            {view.branch}
            {view.resultCommit ? ` @ ${view.resultCommit.slice(0, 10)}` : ""}
          </div>
        ) : null}
      </Section>
      {view.resultCommit && !running ? (
        <CheckoutBranch key={`${step.id}-${attempt}`} runId={run.id} stepId={step.id} stepKey={step.key} attempt={attempt} resultCommit={view.resultCommit} refused={refsDeletedRefusal(run, "branch")} />
      ) : null}
    </div>
  );
});
