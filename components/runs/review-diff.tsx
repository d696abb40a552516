"use client";
/**
 * Reviewing a code step's diff: comment on a line (of the file as the step left it) or on a
 * whole file, then Request changes — the comments go back to the step, which runs again from
 * its result commit (lib/review). Comments are drafts in this component until sent; the
 * round that answers them shows them again (ReviewRoundNote).
 */
import { useMemo, useState } from "react";
import { displayPath, parseUnifiedDiff, type DiffFile, type DiffLine } from "@/lib/diff-view/parse";
import { buttonClass, ErrorNote } from "./dialog";
import { LINE_CLASS, SIGN } from "./diff-viewer";

export interface DraftComment {
  path: string;
  line?: number;
  body: string;
}

function CommentBox({ onAdd, onCancel, label }: { onAdd(body: string): void; onCancel(): void; label: string }) {
  const [body, setBody] = useState("");
  return (
    <div className="space-y-1 border-y border-violet-200 bg-violet-50 p-2 font-sans" data-testid="comment-box">
      <div className="text-[11px] text-violet-900">{label}</div>
      <textarea
        autoFocus
        className="h-16 w-full rounded border border-zinc-300 p-1 text-[12px]"
        value={body}
        onChange={(e) => setBody(e.target.value)}
        placeholder="What should change?"
        data-testid="comment-text"
      />
      <div className="flex gap-2">
        <button type="button" className={buttonClass.primary} disabled={!body.trim()} onClick={() => onAdd(body.trim())} data-testid="comment-add">
          Add comment
        </button>
        <button type="button" className={buttonClass.secondary} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function DraftNote({ comment, onRemove }: { comment: DraftComment; onRemove(): void }) {
  return (
    <div className="flex items-start gap-2 border-y border-violet-200 bg-violet-50 px-2 py-1 font-sans text-[12px] text-violet-950" data-testid="draft-comment">
      <span className="whitespace-pre-wrap">{comment.body}</span>
      <button type="button" className="ml-auto text-[11px] text-violet-700 hover:underline" onClick={onRemove}>
        remove
      </button>
    </div>
  );
}

function ReviewFile({
  file,
  drafts,
  onAdd,
  onRemove,
}: {
  file: DiffFile;
  drafts: DraftComment[];
  onAdd(comment: DraftComment): void;
  onRemove(comment: DraftComment): void;
}) {
  const path = displayPath(file);
  // Which line (or "file") has its comment box open.
  const [open, setOpen] = useState<number | "file" | null>(null);
  const forLine = (n: number | undefined) => drafts.filter((d) => d.path === path && d.line === n);
  return (
    <div className="overflow-hidden rounded border border-zinc-200" data-testid="review-file" data-path={path}>
      <div className="flex items-center gap-2 bg-zinc-50 px-2 py-1 text-[12px]">
        <span className="font-mono text-zinc-800">{path}</span>
        <span>
          <span className="text-emerald-700">+{file.additions}</span> <span className="text-red-700">−{file.deletions}</span>
        </span>
        <button type="button" className="ml-auto text-[11px] text-violet-700 hover:underline" onClick={() => setOpen("file")} data-testid="comment-file">
          Comment on file
        </button>
      </div>
      {open === "file" ? (
        <CommentBox label={`On ${path}`} onCancel={() => setOpen(null)} onAdd={(body) => (onAdd({ path, body }), setOpen(null))} />
      ) : null}
      {forLine(undefined).map((d, i) => (
        <DraftNote key={`f${i}`} comment={d} onRemove={() => onRemove(d)} />
      ))}
      <div className="overflow-x-auto font-mono text-[12px] leading-[18px]">
        {file.hunks.map((hunk, h) => (
          <div key={h}>
            <div className="bg-sky-50 px-2 text-sky-700">{hunk.header}</div>
            {hunk.lines.map((line, i) => {
              const n = line.newNumber;
              return (
                <div key={i}>
                  <div className={`group flex whitespace-pre ${LINE_CLASS[line.type]}`}>
                    {n !== null ? (
                      <button
                        type="button"
                        className="w-5 shrink-0 select-none text-center text-violet-600 opacity-30 hover:opacity-100 group-hover:opacity-100"
                        title={`Comment on line ${n}`}
                        onClick={() => setOpen(n)}
                        data-testid={`comment-line-${n}`}
                      >
                        +
                      </button>
                    ) : (
                      <span className="w-5 shrink-0" />
                    )}
                    <span className="inline-block w-9 shrink-0 select-none pr-1 text-right text-zinc-400">{line.oldNumber ?? ""}</span>
                    <span className="inline-block w-9 shrink-0 select-none pr-1 text-right text-zinc-400">{n ?? ""}</span>
                    <span className="w-4 shrink-0 select-none text-center">{SIGN[line.type]}</span>
                    <span>{line.text}</span>
                  </div>
                  {n !== null && open === n ? (
                    <CommentBox label={`On ${path}, line ${n}`} onCancel={() => setOpen(null)} onAdd={(body) => (onAdd({ path, line: n, body }), setOpen(null))} />
                  ) : null}
                  {n !== null ? forLine(n).map((d, j) => <DraftNote key={`${n}-${j}`} comment={d} onRemove={() => onRemove(d)} />) : null}
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

/**
 * The diff with comment affordances and the Request changes button. `submit` sends the
 * drafts (and the note); they are cleared once it succeeds.
 */
export function ReviewDiff({
  diff,
  submit,
  pending,
  error,
  title,
}: {
  diff: string;
  submit(comments: DraftComment[], note: string, done: () => void): void;
  pending: boolean;
  error: unknown;
  title: string;
}) {
  const files = useMemo(() => parseUnifiedDiff(diff), [diff]);
  const [drafts, setDrafts] = useState<DraftComment[]>([]);
  const [note, setNote] = useState("");
  if (files.length === 0) return <div className="text-[12px] text-zinc-400">No changes.</div>;
  return (
    <div className="space-y-2" data-testid="review-diff">
      {files.map((file) => (
        <ReviewFile
          key={displayPath(file)}
          file={file}
          drafts={drafts}
          onAdd={(comment) => setDrafts((list) => [...list, comment])}
          onRemove={(comment) => setDrafts((list) => list.filter((d) => d !== comment))}
        />
      ))}
      <div className="space-y-1 rounded border border-violet-200 bg-white p-2">
        <div className="text-[12px] text-zinc-700">{title}</div>
        <input
          className="w-full rounded border border-zinc-300 px-1 text-[12px]"
          placeholder="A note for the agent (optional)"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          data-testid="review-note"
        />
        <ErrorNote error={error} />
        <button
          type="button"
          className={buttonClass.primary}
          disabled={pending || (drafts.length === 0 && !note.trim())}
          onClick={() => submit(drafts, note.trim(), () => (setDrafts([]), setNote("")))}
          data-testid="request-changes"
        >
          Request changes{drafts.length ? ` (${drafts.length} comment${drafts.length === 1 ? "" : "s"})` : ""}
        </button>
      </div>
    </div>
  );
}

interface RoundComment {
  path: string;
  line?: number;
  body: string;
  hunk?: string | null;
}

/** The comments an attempt answered (its detail.review), shown with the attempt. */
export function ReviewRoundNote({ detail }: { detail: Record<string, unknown> }) {
  const review = detail.review as { round?: number; reviewedAttempt?: number; summary?: string; comments?: RoundComment[] } | undefined;
  if (!review || typeof review.round !== "number") return null;
  const comments = Array.isArray(review.comments) ? review.comments : [];
  return (
    <div className="space-y-1 rounded border border-violet-200 bg-violet-50 p-2 text-[12px]" data-testid="review-round">
      <div className="font-medium text-violet-900">
        Review round {review.round}: answers {comments.length} comment{comments.length === 1 ? "" : "s"} on attempt {review.reviewedAttempt}
        {detail.sessionLoaded === true ? " · continued the same agent session" : ""}
      </div>
      {review.summary ? <div className="text-violet-950">Note: {review.summary}</div> : null}
      {comments.map((c, i) => (
        <div key={i} className="rounded bg-white p-1" data-testid="review-round-comment">
          <div className="font-mono text-[11px] text-zinc-600">
            {c.path}
            {c.line !== undefined ? `:${c.line}` : " (file)"}
          </div>
          <div className="whitespace-pre-wrap text-zinc-900">{c.body}</div>
        </div>
      ))}
    </div>
  );
}
