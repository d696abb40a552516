"use client";
/**
 * A fix loop's rounds in the step panel (lib/kinds/loop): per round the agent's answer, the
 * round's own diff (against the previous round's commit) and the check's verdict and output.
 * The last round is open; earlier ones fold away. Reads the attempt's detail.rounds, which
 * `loop-round` events keep current while it runs.
 */
import { memo } from "react";
import { checkVerdict, roundsOf, type LoopRound } from "@/lib/kinds/loop/rounds";
import { formatDuration } from "@/lib/timeline/lanes";
import { DiffViewer } from "./diff-viewer";
import { Markdown } from "./markdown";

const took = (start: string, end: string | null, now: number) => formatDuration((end ? Date.parse(end) : now) - Date.parse(start));

function Verdict({ round, now }: { round: LoopRound; now: number }) {
  const check = round.check;
  if (!check) return <span className="text-zinc-500">agent {round.agent.finishedAt ? took(round.agent.startedAt, round.agent.finishedAt, now) : "working…"}</span>;
  if (check.finishedAt === null) return <span className="text-sky-700">check running…</span>;
  const green = check.exitCode === 0;
  return (
    <span className={`rounded px-1 font-medium ${green ? "bg-emerald-100 text-emerald-800" : "bg-red-100 text-red-800"}`} data-testid="round-verdict" data-green={green ? "true" : "false"}>
      {green ? "✓" : "✗"} {checkVerdict(check)} · {took(check.startedAt, check.finishedAt, now)}
    </span>
  );
}

function Round({ round, open, now }: { round: LoopRound; open: boolean; now: number }) {
  return (
    <details open={open} className="rounded border border-zinc-200" data-testid="loop-round" data-round={round.round}>
      <summary className="flex cursor-pointer items-center gap-2 bg-zinc-50 px-2 py-1 text-[12px]">
        <span className="font-semibold text-zinc-800">Round {round.round}</span>
        {round.diffStats ? (
          <span data-testid="round-diffstat">
            <span className="text-emerald-700">+{round.diffStats.additions}</span> <span className="text-red-700">−{round.diffStats.deletions}</span>
          </span>
        ) : null}
        <span className="ml-auto">
          <Verdict round={round} now={now} />
        </span>
      </summary>
      <div className="space-y-2 p-2">
        {round.agent.output ? <Markdown text={round.agent.output} testId="round-output" /> : <div className="text-[12px] text-zinc-400">{round.agent.finishedAt ? "No answer." : "Working…"}</div>}
        {round.diff ? <DiffViewer diff={round.diff} /> : null}
        {round.check?.finishedAt ? (
          <pre className="max-h-48 overflow-auto whitespace-pre-wrap rounded bg-zinc-900 p-2 font-mono text-[11px] text-zinc-100" data-testid="round-check-output">
            {round.check.output || "(no output)"}
          </pre>
        ) : null}
      </div>
    </details>
  );
}

export const LoopRounds = memo(function LoopRounds({ detail, attempt, now }: { detail: Record<string, unknown>; attempt: number; now: number }) {
  const rounds = roundsOf(detail, attempt);
  if (rounds.length === 0) return null;
  return (
    <section className="space-y-1" data-testid="loop-rounds">
      <h3 className="text-[11px] font-semibold uppercase tracking-wide text-zinc-500">Rounds</h3>
      {rounds.map((round, i) => (
        <Round key={round.round} round={round} open={i === rounds.length - 1} now={now} />
      ))}
    </section>
  );
});
