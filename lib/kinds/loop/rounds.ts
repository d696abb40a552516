/**
 * A fix loop's rounds as they are recorded and read back. Pure (zod only): the executor writes
 * them, the run page reads them.
 *
 * Where they live: `steps.detail.rounds` of the running attempt, rewritten (fenced) as each
 * round moves on, and each change is also sent as a `loop-round` event carrying that round, so
 * a live page and a fresh load show the same rounds. The attempt's final detail keeps them
 * (archived with the attempt in step_attempts). Every round names its attempt: a retry's row
 * still holds the previous attempt's detail until its first round is written.
 *
 * A round: the agent's turn (its answer), then committing what it changed (its own part: a
 * big repository's commit and diff take real time that is not the agent's), then the check in
 * the same worktree (exit code, its output's tail). The last round of a loop that ran out of
 * rounds has a red check; a green check is always the last round.
 */
import { z } from "zod";

/** How much of a check's output the agent is sent and a round keeps: its last characters. */
export const CHECK_OUTPUT_TAIL = 8_000;
/** How much of the agent's answer a round keeps (the step's output is the last answer in full). */
export const ROUND_OUTPUT_LIMIT = 20_000;

const diffStats = z.object({ files: z.number(), additions: z.number(), deletions: z.number() });
const span = z.object({ startedAt: z.string(), finishedAt: z.string().nullable() });

export const loopRoundSchema = z.object({
  attempt: z.number().int().min(1),
  round: z.number().int().min(1),
  agent: z.object({
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    output: z.string().nullable(),
  }),
  /**
   * When the round's changes were committed and diffed (the step's "committing" phase); null:
   * no repo, not begun yet, or a round recorded before commit times were kept (the default).
   */
  committing: span.nullable().default(null),
  /** The round's commit (null: no repo, or nothing committed yet) and its diff against the previous round's. */
  commit: z.string().nullable(),
  diff: z.string().nullable(),
  diffStats: diffStats.nullable(),
  check: z
    .object({
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      /** Null while it runs, or when it was killed (then `signal` or `timedOut` says why). */
      exitCode: z.number().int().nullable(),
      signal: z.string().nullable(),
      timedOut: z.boolean(),
      /** stdout then stderr, its last CHECK_OUTPUT_TAIL characters. */
      output: z.string(),
    })
    .nullable(),
});
export type LoopRound = z.infer<typeof loopRoundSchema>;

/** The rounds of `attempt` in a step's detail (malformed entries are left out). */
export function roundsOf(detail: Record<string, unknown> | null | undefined, attempt: number): LoopRound[] {
  const list = detail?.rounds;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    const parsed = loopRoundSchema.safeParse(entry);
    return parsed.success && parsed.data.attempt === attempt ? [parsed.data] : [];
  });
}

/** `rounds` with `round` put in its place (replacing the same round number), in round order. */
export function withRound(rounds: readonly LoopRound[], round: LoopRound): LoopRound[] {
  const others = rounds.filter((r) => r.attempt === round.attempt && r.round !== round.round);
  return [...others, round].sort((a, b) => a.round - b.round);
}

/** The round once its agent's turn ended at `at` with `output`, and (with a repo) its commit began then too. */
export function withTurnEnded(round: LoopRound, at: string, output: string, committing: boolean): LoopRound {
  return { ...round, agent: { ...round.agent, finishedAt: at, output }, committing: committing ? { startedAt: at, finishedAt: null } : null };
}

/**
 * The round once its commit ended at `at`: the commit and its diff against the previous
 * round's. (A commit whose start was not recorded reads as starting at its end.)
 */
export function withCommitted(
  round: LoopRound,
  at: string,
  committed: { commit: string; diff: string; diffStats: NonNullable<LoopRound["diffStats"]> },
): LoopRound {
  return { ...round, committing: { startedAt: round.committing?.startedAt ?? at, finishedAt: at }, ...committed };
}

/** A finished check passed. */
export const isGreen = (round: LoopRound): boolean => round.check?.finishedAt != null && round.check.exitCode === 0;

/** How a finished check ended, in words: "exit 1", "killed by SIGTERM", "timed out". */
export function checkVerdict(check: NonNullable<LoopRound["check"]>): string {
  if (check.timedOut) return "timed out";
  if (check.exitCode !== null) return `exit ${check.exitCode}`;
  return check.signal ? `killed by ${check.signal}` : "did not finish";
}

/** What the agent is sent after a red check: which round, the command, how it ended, its output. */
export function followUpPrompt(round: LoopRound, maxRounds: number, command: readonly string[]): string {
  const check = round.check!;
  const output = check.output.trim() ? check.output : "(no output)";
  return [
    `The check \`${command.join(" ")}\` failed (${checkVerdict(check)}) after round ${round.round} of ${maxRounds}.`,
    `Its output${check.output.length >= CHECK_OUTPUT_TAIL ? ` (last ${CHECK_OUTPUT_TAIL} characters)` : ""}:`,
    "",
    "```",
    output.replace(/```/g, "`\u200b``"),
    "```",
    "",
    "Fix what makes it fail, in the same working directory (your changes so far are kept), then stop; the check runs again.",
  ].join("\n");
}

/** The step's error after the last red round: the command, how it ended, the output's tail. */
export function exhaustedError(round: LoopRound, maxRounds: number, command: readonly string[]): string {
  const check = round.check!;
  const output = check.output.trim();
  return `\`${command.join(" ")}\` still failed after ${maxRounds} round${maxRounds === 1 ? "" : "s"} (${checkVerdict(check)})${output ? `:\n${output}` : ""}`;
}

/** One part of one round on the run timeline: the agent's turn, committing its changes, or the check. */
export interface RoundSegment {
  round: number;
  part: "agent" | "commit" | "check";
  start: number;
  /** A part still running ends at `now`. */
  end: number;
  live: boolean;
  /** agent: the round's diff stats once committed. */
  additions: number | null;
  deletions: number | null;
  /** check: its exit code and verdict once finished ("exit 1", "timed out"). */
  exitCode: number | null;
  verdict: string | null;
  green: boolean;
}

/** The timeline segments of an attempt's rounds, in time order. Pure: `now` is an argument. */
export function roundSegments(rounds: readonly LoopRound[], now: number): RoundSegment[] {
  return rounds.flatMap((r) => {
    const part = (name: RoundSegment["part"], times: { startedAt: string; finishedAt: string | null }): RoundSegment => {
      const start = Date.parse(times.startedAt);
      return {
        round: r.round,
        part: name,
        start,
        // A part still running ends at `now`.
        end: times.finishedAt ? Date.parse(times.finishedAt) : Math.max(start, now),
        live: times.finishedAt === null,
        additions: name === "agent" ? (r.diffStats?.additions ?? null) : null,
        deletions: name === "agent" ? (r.diffStats?.deletions ?? null) : null,
        exitCode: null,
        verdict: null,
        green: false,
      };
    };
    const segments = [part("agent", r.agent)];
    if (r.committing) segments.push(part("commit", r.committing));
    if (r.check) {
      const finished = r.check.finishedAt !== null;
      segments.push({ ...part("check", r.check), exitCode: r.check.exitCode, verdict: finished ? checkVerdict(r.check) : null, green: isGreen(r) });
    }
    return segments;
  });
}
