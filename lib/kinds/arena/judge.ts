/**
 * The judge's prompt and the parsing of its answer. Pure.
 *
 * The answer must name exactly one eligible contestant id (its first line wins when the
 * text names several); anything else is a malformed answer and fails the select step with
 * the answer quoted, never a silent pick.
 */
import { formatContestants, type UpstreamStep } from "../../engine/render";

export function judgePrompt(input: { task: string | null; instructions?: string; contestants: readonly UpstreamStep[] }): string {
  const ids = input.contestants.map((c) => c.key);
  return [
    "You are the judge of an arena: several agents worked on the same task independently.",
    "Compare their outputs and diffs and pick the best one.",
    "",
    ...(input.task ? ["Task given to every contestant:", input.task, ""] : []),
    ...(input.instructions ? ["Judging instructions:", input.instructions, ""] : []),
    "Contestants:",
    "",
    formatContestants(input.contestants),
    "",
    `Answer with the winning contestant's id on the first line, exactly as written (one of: ${ids.join(", ")}), then your reasons.`,
  ].join("\n");
}

export type JudgeVerdict = { ok: true; winner: string } | { ok: false; error: string };

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function mentioned(text: string, ids: readonly string[]): string[] {
  // Longest ids first, and bounded, so "build#1" never matches inside "build#10".
  return ids.filter((id) => new RegExp(`(^|[^\\w#-])${escape(id)}(?![\\w#-])`).test(text));
}

export function parseVerdict(answer: string, ids: readonly string[]): JudgeVerdict {
  const all = mentioned(answer, ids);
  if (all.length === 1) return { ok: true, winner: all[0] };
  const first = answer.split("\n").find((l) => l.trim().length > 0) ?? "";
  const onFirst = mentioned(first, ids);
  if (onFirst.length === 1) return { ok: true, winner: onFirst[0] };
  const quoted = answer.trim().length > 300 ? `${answer.trim().slice(0, 300)}…` : answer.trim();
  return {
    ok: false,
    error:
      all.length === 0
        ? `the judge's answer names no contestant (expected one of ${ids.join(", ")}): "${quoted}"`
        : `the judge's answer is ambiguous, it names ${all.join(", ")}: "${quoted}"`,
  };
}
