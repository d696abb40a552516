"use client";
/**
 * What the editor says about work that isn't a version: the flow's draft (saved with
 * problems; runs use the last version) and work kept elsewhere that can be restored (the
 * browser's copy after a crash or reload, or a server draft from an older version).
 */
import { onDraft } from "@/lib/editor/editor-state";
import type { FlowDocument } from "@/lib/flow/document";
import type { FieldDraft } from "@/lib/editor/field-drafts";
import { useEditor } from "./editor-context";
import { buttonClass } from "./modal";
import { formatTime } from "./time";

export interface Recoverable {
  source: "browser" | "server";
  doc: FlowDocument;
  fields: FieldDraft[];
  baseVersion: number;
  savedAt: number;
}

export function DraftBanners({ recoverable, onRestore, onDiscardRecovered, onDiscardDraft }: {
  recoverable: Recoverable | null;
  onRestore(): void;
  onDiscardRecovered(): void;
  onDiscardDraft(): void;
}) {
  const draft = useEditor(onDraft);
  const version = useEditor((s) => s.baseVersion);
  return (
    <>
      {recoverable ? (
        <div className="flex items-center gap-3 border-b border-sky-300 bg-sky-50 px-3 py-1.5 text-[12px] text-sky-950" role="status" data-testid="recovery-banner">
          <span>
            <b>{recoverable.source === "browser" ? "Unsaved changes were kept in this browser" : "A draft was kept on the server"}</b> (from{" "}
            {formatTime(new Date(recoverable.savedAt).toISOString())}, edited from v{recoverable.baseVersion}
            {recoverable.baseVersion !== version ? `; the flow is now v${version} — restoring puts them on top of it` : ""}).
          </span>
          <button type="button" className={buttonClass} onClick={onRestore} data-testid="restore-draft">
            Restore
          </button>
          <button type="button" className={buttonClass} onClick={onDiscardRecovered} data-testid="discard-recovered">
            Discard
          </button>
        </div>
      ) : null}
      {draft ? (
        <div className="flex items-center gap-3 border-b border-amber-300 bg-amber-50 px-3 py-1.5 text-[12px] text-amber-950" role="status" data-testid="draft-banner">
          <span>
            <b>Draft.</b> This flow has problems, so your work is kept as a draft; runs use <b>v{version}</b> until it is fixed and saved.
          </span>
          <button type="button" className={buttonClass} onClick={onDiscardDraft} data-testid="discard-draft">
            Discard draft
          </button>
        </div>
      ) : null}
    </>
  );
}
