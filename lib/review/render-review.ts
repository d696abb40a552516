/**
 * Review comments on a code step's diff, as the agent reads them in the next round. Pure.
 *
 * A comment names a file and optionally a line of the file as the step left it (the new
 * side of its diff). The hunk quoted with a line comment is the diff hunk containing that
 * line, cut to a window around it so one comment never quotes a thousand-line hunk; a
 * comment on a line outside every hunk (or on a whole file) quotes nothing.
 */
import { parseUnifiedDiff, type DiffHunk } from "../diff-view/parse";

export interface ReviewComment {
  path: string;
  /** A line of the file as the step left it; absent for a comment on the whole file. */
  line?: number;
  body: string;
}

export interface AnchoredComment extends ReviewComment {
  /** The diff hunk around the line (header + window of lines), or null. */
  hunk: string | null;
}

export interface ReviewRound {
  /** 1 for the first round of changes asked for, 2 for the next… */
  round: number;
  /** The attempt whose diff the comments are on. */
  reviewedAttempt: number;
  comments: AnchoredComment[];
  /** Why, when given (e.g. an approval's "request changes" reason). */
  summary?: string;
}

/** Lines of context kept on each side of the commented line. */
export const HUNK_WINDOW = 8;

function hunkText(hunk: DiffHunk, line: number): string {
  const index = hunk.lines.findIndex((l) => l.newNumber === line);
  const from = Math.max(0, index - HUNK_WINDOW);
  const to = Math.min(hunk.lines.length, index + HUNK_WINDOW + 1);
  const marks: Record<string, string> = { add: "+", delete: "-", context: " ", note: "\\" };
  const body = hunk.lines.slice(from, to).map((l) => `${marks[l.type]}${l.text}`);
  return [hunk.header, ...(from > 0 ? ["…"] : []), ...body, ...(to < hunk.lines.length ? ["…"] : [])].join("\n");
}

/** Each comment with the hunk of `diff` that holds its line. */
export function anchorComments(diff: string, comments: readonly ReviewComment[]): AnchoredComment[] {
  const files = parseUnifiedDiff(diff);
  return comments.map((comment) => {
    if (comment.line === undefined) return { ...comment, hunk: null };
    const file = files.find((f) => f.newPath === comment.path || f.oldPath === comment.path);
    const hunk = file?.hunks.find((h) => h.lines.some((l) => l.newNumber === comment.line));
    return { ...comment, hunk: hunk ? hunkText(hunk, comment.line) : null };
  });
}

/** The message for the round: every comment with where it is and what it quotes. */
export function renderReview(review: ReviewRound): string {
  const lines = [
    `Review round ${review.round}: a reviewer read the changes you made and asks for changes.`,
    "Address every comment below by editing the files in this working directory; the files are as you left them.",
  ];
  if (review.summary?.trim()) lines.push("", `Reviewer's note: ${review.summary.trim()}`);
  review.comments.forEach((comment, i) => {
    lines.push("", `${i + 1}. ${comment.path}${comment.line !== undefined ? `, line ${comment.line}` : " (whole file)"}`);
    if (comment.hunk) lines.push("```diff", comment.hunk, "```");
    lines.push(...comment.body.trim().split("\n").map((l) => `> ${l}`));
  });
  return lines.join("\n");
}

/** The prompt for an agent that can't continue its session: the task again, then the review. */
export function promptWithReview(prompt: string, review: ReviewRound): string {
  return `${prompt}\n\n---\n\n${renderReview(review)}`;
}
