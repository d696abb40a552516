"use client";
/**
 * The flow editor screen: loads the flow and the profile list (TanStack Query), then runs one
 * editor session over one store. Saving sends the document with the version it was based on;
 * the server refuses invalid documents (its issues are shown) and stale bases (409).
 */
import { ReactFlowProvider } from "@xyflow/react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { FlowDocument } from "@/lib/flow/document";
import { ApiError, flowKeys, getFlow, listProfiles, saveFlow, type FlowDetailDto } from "@/lib/client/flows";
import { initialEditorState, isDirty } from "@/lib/editor/editor-state";
import { exportFileName, exportFlowJson } from "@/lib/editor/import-export";
import { layoutPositions, needsLayout } from "@/lib/editor/layout";
import { createEditorStore } from "@/lib/editor/store";
import { fieldDraftIssues } from "@/lib/editor/field-drafts";
import { withPositions } from "@/lib/editor/view-model";
import { EditorStoreProvider } from "./editor-context";
import { FlowCanvas, useFitFlow } from "./flow-canvas";
import { ImportDialog } from "./import-dialog";
import { Inspector } from "./inspector/inspector";
import { IssuesPanel, type SaveRefusal } from "./issues-panel";
import { buttonClass } from "./modal";
import { Palette } from "./palette";
import { Toolbar } from "./toolbar";
import { useEditorShortcuts } from "./use-editor-shortcuts";
import { VersionsDialog } from "./versions-dialog";
import { RunDialog } from "@/components/runs/run-dialog";

async function withLayout(doc: FlowDocument): Promise<FlowDocument> {
  return needsLayout(doc) ? withPositions(doc, await layoutPositions(doc)) : doc;
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function EditorSession({ flowId, detail, profiles }: { flowId: string; detail: FlowDetailDto; profiles: ReadonlySet<string> | undefined }) {
  const [store] = useState(() => createEditorStore(initialEditorState(detail.document, detail.version, profiles)));
  const queryClient = useQueryClient();
  const fitView = useFitFlow(store);
  const [saving, setSaving] = useState(false);
  const [refusal, setRefusal] = useState<SaveRefusal | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [dialog, setDialog] = useState<"import" | "history" | "run" | null>(null);
  // Why the next save happens, when it's more than edits ("restored v2", "imported"): the
  // version history shows it.
  const saveMessage = useRef<string | null>(null);
  // Auto-layout is asynchronous (ELK loads on first use, then computes, then the view
  // animates to fit): until it is over, nodes may still move. The editor says so on its root
  // (aria-busy, data-layout="running") and counts finished layouts (data-layouts-done), so a
  // person's tools and the e2e tests can wait for "laid out and still" instead of guessing.
  const [layout, setLayout] = useState({ running: 0, done: 0 });
  const trackLayout = useCallback(async (work: () => Promise<void>) => {
    setLayout((l) => ({ ...l, running: l.running + 1 }));
    try {
      await work();
    } finally {
      setLayout((l) => ({ running: l.running - 1, done: l.done + 1 }));
    }
  }, []);
  /** Positions applied: fit once they have been rendered, and resolve when the view is still. */
  const fitAfterRender = useCallback(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => void fitView(fitOptions).then(resolve, resolve))),
    [fitView],
  );

  // A saved flow without positions (written by the API or imported) is laid out on load;
  // the positions are cosmetic, so the result is the clean baseline, not an unsaved change.
  useEffect(() => {
    if (!needsLayout(detail.document)) return;
    void trackLayout(async () => {
      store.dispatch({ type: "load", doc: await withLayout(detail.document), version: detail.version });
      await fitAfterRender();
    });
  }, [detail, store, trackLayout, fitAfterRender]);

  useEffect(() => {
    if (profiles) store.dispatch({ type: "set-profiles", profiles });
  }, [profiles, store]);

  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!isDirty(store.getState())) return;
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [store]);

  /** Resolves true when the document is saved as a new version. */
  const save = useCallback(async (): Promise<boolean> => {
    const state = store.getState();
    if (saving) return false;
    if (state.fieldDrafts.size > 0) {
      // Saving would store the document without the text that doesn't parse: refuse rather
      // than drop it silently.
      setRefusal({
        message: "some fields are not applied — fix or clear them first",
        issues: fieldDraftIssues(state.doc, state.fieldDrafts),
      });
      return false;
    }
    setSaving(true);
    try {
      const message = saveMessage.current ?? undefined;
      const saved = await saveFlow(flowId, { document: state.doc, baseVersion: state.baseVersion, ...(message ? { message } : {}) });
      store.dispatch({ type: "mark-saved", doc: state.doc, version: saved.version });
      saveMessage.current = null;
      setRefusal(null);
      setConflict(null);
      queryClient.setQueryData(flowKeys.detail(flowId), saved);
      void queryClient.invalidateQueries({ queryKey: flowKeys.versions(flowId) });
      void queryClient.invalidateQueries({ queryKey: flowKeys.list() });
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) setConflict(error.message);
      else if (error instanceof ApiError) setRefusal({ message: error.message, issues: error.issues });
      else setRefusal({ message: `could not reach the server (${(error as Error).message})`, issues: [] });
      return false;
    } finally {
      setSaving(false);
    }
  }, [flowId, queryClient, saving, store]);

  useEditorShortcuts(store, save);

  const reloadLatest = async () => {
    if (isDirty(store.getState()) && !window.confirm("Discard your unsaved changes and load the latest saved version?")) return;
    const latest = await queryClient.fetchQuery({ queryKey: flowKeys.detail(flowId), queryFn: () => getFlow(flowId), staleTime: 0 });
    store.dispatch({ type: "load", doc: await withLayout(latest.document), version: latest.version });
    setConflict(null);
    setRefusal(null);
  };

  const actions = useMemo(
    () => ({
      onUndo: () => store.dispatch({ type: "undo" }),
      onRedo: () => store.dispatch({ type: "redo" }),
      onLayout: () =>
        trackLayout(async () => {
          const state = store.getState();
          store.dispatch({ type: "apply-positions", positions: await layoutPositions(state.doc, state.measured) });
          await fitAfterRender();
        }),
      onImport: () => setDialog("import"),
      onExport: () => {
        const doc = store.getState().doc;
        download(exportFileName(doc), exportFlowJson(doc));
      },
      onHistory: () => setDialog("history"),
      onSave: () => void save(),
      // A run is pinned to a saved version: unsaved edits are saved first, so what runs is
      // what the user sees.
      onRun: async () => {
        if (isDirty(store.getState()) && !(await save())) return;
        setDialog("run");
      },
    }),
    [store, save, trackLayout, fitAfterRender],
  );

  const replaceDocument = (doc: FlowDocument, message: string) =>
    trackLayout(async () => {
      saveMessage.current = message;
      store.dispatch({ type: "replace-document", doc: await withLayout(doc) });
      await fitAfterRender();
    });

  return (
    <EditorStoreProvider value={store}>
      <div
        className="flex h-full flex-col"
        data-testid="flow-editor"
        aria-busy={layout.running > 0}
        data-layout={layout.running > 0 ? "running" : "idle"}
        data-layouts-done={layout.done}
      >
        <Toolbar flowId={flowId} actions={actions} saving={saving} />
        {conflict ? (
          <div className="flex items-center gap-3 border-b border-amber-300 bg-amber-50 px-3 py-1.5 text-[12px] text-amber-900" data-testid="save-conflict">
            <span>
              <b>Not saved — someone else saved this flow.</b> {conflict}. Export your changes if you want to keep them.
            </span>
            <button type="button" className={buttonClass} onClick={() => void reloadLatest()} data-testid="reload-latest">
              Reload latest
            </button>
          </div>
        ) : null}
        <div className="flex min-h-0 flex-1">
          <Palette />
          <div className="flex min-w-0 flex-1 flex-col">
            <div className="min-h-0 flex-1">
              <FlowCanvas />
            </div>
            <IssuesPanel refusal={refusal} />
          </div>
          <Inspector />
        </div>
      </div>
      {dialog === "import" ? (
        <ImportDialog title="Import flow JSON" actionLabel="Load into editor" onImport={(doc) => replaceDocument(doc, "imported from JSON")} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === "run" ? (
        <RunDialog
          flowId={flowId}
          flowName={store.getState().savedDoc.name}
          inputs={store.getState().savedDoc.inputs}
          version={store.getState().baseVersion}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === "history" ? (
        <VersionsDialog
          flowId={flowId}
          currentVersion={store.getState().baseVersion}
          profiles={profiles}
          onRestore={(doc, version) => void replaceDocument(doc, `restored v${version}`)}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </EditorStoreProvider>
  );
}

const fitOptions = { duration: 150 };

export function FlowEditorScreen({ flowId }: { flowId: string }) {
  const flow = useQuery({ queryKey: flowKeys.detail(flowId), queryFn: () => getFlow(flowId), staleTime: Infinity });
  const profiles = useQuery({ queryKey: flowKeys.profiles, queryFn: listProfiles });
  const profileIds = useMemo(() => (profiles.data ? new Set(profiles.data.map((p) => p.id)) : undefined), [profiles.data]);
  // The session starts from the first load only: later refetches must not reset unsaved edits.
  const [initial, setInitial] = useState<FlowDetailDto | null>(null);
  useEffect(() => {
    if (flow.data && !initial) setInitial(flow.data);
  }, [flow.data, initial]);

  if (flow.error) {
    return (
      <div className="p-6 text-[13px]" data-testid="editor-error">
        <p className="font-medium text-red-700">{flow.error instanceof ApiError && flow.error.status === 404 ? "This flow doesn't exist (or was deleted)." : flow.error.message}</p>
        <a href="/flows" className="text-zinc-600 underline">Back to flows</a>
      </div>
    );
  }
  if (!initial) return <div className="p-6 text-[12px] text-zinc-400">Loading flow…</div>;
  return (
    <ReactFlowProvider>
      <EditorSession flowId={flowId} detail={initial} profiles={profileIds} />
    </ReactFlowProvider>
  );
}
