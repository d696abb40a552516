"use client";
/** The editor's top bar: where you are, whether it's saved, and the document-level actions. */
import Link from "next/link";
import { isDirty, onDraft } from "@/lib/editor/editor-state";
import { useEditor } from "./editor-context";
import { buttonClass, primaryButtonClass } from "./modal";

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
const mod = isMac ? "⌘" : "Ctrl+";

export interface ToolbarActions {
  onUndo(): void;
  onRedo(): void;
  onLayout(): void;
  onImport(): void;
  onExport(): void;
  onHistory(): void;
  onDraftWithAgent(): void;
  onShortcuts(): void;
  onSave(): void;
  onRun(): void;
}

/** `flowId` null: a flow not created yet (/flows/new): Save creates it; no versions or runs before that. */
export function Toolbar({ flowId, actions, saving, notice }: { flowId: string | null; actions: ToolbarActions; saving: boolean; notice: string | null }) {
  const creating = flowId === null;
  const name = useEditor((s) => s.doc.name);
  const version = useEditor((s) => s.baseVersion);
  const dirty = useEditor(isDirty);
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const issueCount = useEditor((s) => s.issues.length);
  const draft = useEditor(onDraft);
  return (
    <div className="baton-panel flex h-10 shrink-0 items-center gap-1.5 border-b border-zinc-200 bg-white px-3" data-testid="editor-toolbar">
      <Link href="/flows" className="text-zinc-500 hover:text-zinc-900">
        Flows
      </Link>
      <span className="text-zinc-300">/</span>
      <h1 className="min-w-0 max-w-[28vw] truncate font-semibold text-zinc-900" data-testid="editor-flow-name" title={name}>
        {name || "(unnamed)"}
      </h1>
      <span className="rounded bg-zinc-100 px-1.5 py-px font-mono text-[11px] text-zinc-600" data-testid="editor-version">
        {creating ? "new" : `v${version}`}
      </span>
      {dirty ? (
        <span className="flex items-center gap-1 text-[11px] font-medium text-amber-700" data-testid="dirty-indicator">
          <span className="h-1.5 w-1.5 rounded-full bg-amber-500" /> Unsaved changes
        </span>
      ) : draft ? (
        <span className="text-[11px] font-medium text-amber-700" data-testid="draft-indicator" title="Saved on the server as a draft: it has problems, so it is not a version and is never run">
          Draft saved · runs use v{version}
        </span>
      ) : (
        <span className="text-[11px] text-zinc-400" data-testid="saved-indicator">
          Saved
        </span>
      )}
      {notice ? (
        <span className="truncate rounded bg-emerald-50 px-1.5 py-px text-[11px] text-emerald-800" role="status" data-testid="save-notice">
          {notice}
        </span>
      ) : null}
      <div className="ml-auto flex shrink-0 items-center gap-1.5 whitespace-nowrap">
        <button type="button" className={buttonClass} onClick={actions.onUndo} disabled={!canUndo} title={`Undo (${mod}Z)`} data-testid="undo">
          ↶ Undo
        </button>
        <button type="button" className={buttonClass} onClick={actions.onRedo} disabled={!canRedo} title={`Redo (${mod}Shift+Z)`} data-testid="redo">
          ↷ Redo
        </button>
        <span className="mx-1 h-5 w-px bg-zinc-200" />
        <button type="button" className={buttonClass} onClick={actions.onLayout} title="Lay the graph out left → right" data-testid="auto-layout">
          Auto-layout
        </button>
        <button type="button" className={buttonClass} onClick={actions.onImport} data-testid="import-button">
          Import
        </button>
        <button type="button" className={buttonClass} onClick={actions.onExport} data-testid="export-button">
          Export
        </button>
        <button
          type="button"
          className={buttonClass}
          onClick={actions.onHistory}
          disabled={creating}
          title={creating ? "Not saved yet: no versions" : undefined}
          data-testid="history-button"
        >
          History
        </button>
        <button
          type="button"
          className={buttonClass}
          onClick={actions.onDraftWithAgent}
          title="An agent writes this flow from your description; its draft replaces the document, unsaved (Undo brings this one back)"
          data-testid="draft-with-agent"
        >
          ✦ Draft with agent…
        </button>
        <button type="button" className={buttonClass} onClick={actions.onShortcuts} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts" data-testid="shortcuts-button">
          ?
        </button>
        <span className="mx-1 h-5 w-px bg-zinc-200" />
        <button
          type="button"
          className={primaryButtonClass}
          onClick={actions.onSave}
          disabled={saving || !dirty || (creating && issueCount > 0)}
          title={
            creating
              ? issueCount
                ? `Fix the ${issueCount} problems to create the flow: nothing is saved until then`
                : `Create the flow with this as version 1 (${mod}S)`
              : issueCount
                ? `${issueCount} problems: saved as a draft, which is never run (${mod}S)`
                : `Save a new version (${mod}S)`
          }
          data-testid="save-button"
        >
          {saving ? "Saving…" : issueCount && !creating ? "Save draft" : "Save"}
        </button>
        {creating ? null : (
          <Link href={`/runs?flowId=${encodeURIComponent(flowId)}`} className={buttonClass} data-testid="flow-runs-link" title="This flow's runs">
            Runs
          </Link>
        )}
        <button
          type="button"
          className={primaryButtonClass}
          onClick={actions.onRun}
          disabled={saving || issueCount > 0 || creating}
          title={
            creating
              ? "Save first: the flow is created then, and runs from its page"
              : issueCount
                ? `Fix the problems before running (runs use v${version} until then)`
                : dirty || draft
                  ? "Save, then run the new version"
                  : `Run v${version}`
          }
          data-testid="run-button"
        >
          ▶ Run
        </button>
      </div>
    </div>
  );
}
