/**
 * The draft dialog's view of a draft's progress (pure): the stream's events
 * (lib/contract/draft.ts), in order, folded into one entry per round — asked, what the agent
 * did (a line per tool call, updated in place as its status changes; its text), and how Baton's
 * check ended (valid, or the problems sent back).
 */
import type { DraftProgress, DraftToolStatus } from "../contract/draft";

export type DraftActivityLine =
  | { kind: "tool"; id: string; tool: string; status: DraftToolStatus; problems?: string[] }
  | { kind: "text"; text: string };

export interface DraftRound {
  attempt: number;
  maxAttempts: number;
  /** "asking" until Baton checked the round's draft. */
  state: "asking" | "valid" | "invalid";
  /** The draft's problems once checked (empty: valid). */
  problems: string[];
  activity: DraftActivityLine[];
}

export function draftRounds(progress: readonly DraftProgress[]): DraftRound[] {
  const rounds = new Map<number, DraftRound>();
  const roundOf = (attempt: number, maxAttempts?: number): DraftRound => {
    let round = rounds.get(attempt);
    if (!round) {
      // Activity before its round's "asking" can't happen on one stream; tolerate it anyway.
      round = { attempt, maxAttempts: maxAttempts ?? attempt, state: "asking", problems: [], activity: [] };
      rounds.set(attempt, round);
    }
    if (maxAttempts) round.maxAttempts = maxAttempts;
    return round;
  };
  for (const event of progress) {
    switch (event.type) {
      case "asking":
        roundOf(event.attempt, event.maxAttempts);
        break;
      case "checked": {
        const round = roundOf(event.attempt, event.maxAttempts);
        round.state = event.problems.length === 0 ? "valid" : "invalid";
        round.problems = event.problems;
        break;
      }
      case "tool-call": {
        const round = roundOf(event.attempt);
        const line: DraftActivityLine = { kind: "tool", id: event.toolCallId, tool: event.tool, status: event.status, ...(event.problems ? { problems: event.problems } : {}) };
        const at = round.activity.findIndex((entry) => entry.kind === "tool" && entry.id === event.toolCallId);
        if (at < 0) round.activity.push(line);
        else {
          const before = round.activity[at];
          // A later status event without a result keeps the result an earlier one carried.
          round.activity[at] = before.kind === "tool" && !line.problems && before.problems ? { ...line, problems: before.problems } : line;
        }
        break;
      }
      case "agent-text":
        roundOf(event.attempt).activity.push({ kind: "text", text: event.text });
        break;
    }
  }
  return [...rounds.values()].sort((a, b) => a.attempt - b.attempt);
}

/** "validate_flow: 2 problems", "describe_flow_format: done", "validate_flow…" (running). */
export function toolLineText(line: Extract<DraftActivityLine, { kind: "tool" }>): string {
  if (line.problems) return `${line.tool}: ${line.problems.length === 0 ? "valid" : `${line.problems.length} ${line.problems.length === 1 ? "problem" : "problems"}`}`;
  if (line.status === "running") return `${line.tool}…`;
  return `${line.tool}: ${line.status === "failed" ? "failed" : "done"}`;
}
