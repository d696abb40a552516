"use client";
/**
 * The flow editor screen: loads the flow and the profile list (TanStack Query), then runs one
 * editor session over one store. Saving sends the document with the version it was based on;
 * the server refuses invalid documents (its issues are shown) and stale bases (409).
 *
 * /flows/new (NewFlowEditorScreen) is the same session over a flow that doesn't exist yet: an
 * agent's draft from the flows page, unsaved. Its first Save creates the flow (version 1) and
 * moves to /flows/<id>; until then nothing is on the server (no version, no server draft — a
 * draft with problems can't be saved there yet, so Save waits for them to be fixed).
 */
import { ReactFlowProvider } from "@xyflow/react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { FlowDocument } from "@/lib/flow/document";
import { ApiError, createFlow, deleteDraft, flowKeys, getFlow, listProfiles, saveDraft, saveFlow, type FlowDetailDto } from "@/lib/client/flows";
import { initialEditorState, isDirty, issuesStale, onDraft, storedWork, type EditorState, type SavedDraft } from "@/lib/editor/editor-state";
import { clearLocalDraft, readLocalDraft, sameWork, type LocalDraft } from "@/lib/editor/local-draft";
import { fieldDraftsFrom, type FieldDraft } from "@/lib/editor/field-drafts";
import { DraftBanners, type Recoverable } from "./draft-banners";
import { AgentDraftBanner, AgentDraftDialog, type AgentDraft } from "./agent-draft-dialog";
import { clearNewFlowDraft, readNewFlowDraft, stashNewFlowDraft } from "@/lib/editor/agent-draft-handoff";
import { useLocalDraft } from "./use-local-draft";
import { useUnsavedGuard } from "./use-unsaved-guard";
import { exportFileName, exportFlowJson } from "@/lib/editor/import-export";
import { layoutPositions, needsLayout } from "@/lib/editor/layout";
import { createEditorStore } from "@/lib/editor/store";
import { withPositions } from "@/lib/editor/view-model";
import { EditorStoreProvider } from "./editor-context";
import { FlowCanvas, useFitFlow } from "./flow-canvas";
import { ImportDialog } from "./import-dialog";
import { Inspector } from "./inspector/inspector";
import { IssuesPanel, type SaveRefusal } from "./issues-panel";
import { buttonClass } from "./modal";
import { Palette } from "./palette";
import { Toolbar } from "./toolbar";
import { ShortcutsSheet } from "./shortcuts-sheet";
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

/** The server's draft, when it continues the loaded version (an older one is offered instead). */
function currentDraftOf(detail: FlowDetailDto): SavedDraft | null {
  const draft = detail.draft;
  return draft && draft.baseVersion === detail.version ? { doc: draft.document, fieldDrafts: fieldDraftsFrom(draft.fields) } : null;
}

/**
 * Work kept elsewhere that the session didn't open: the browser's copy of unsaved work
 * (a crash, a reload), or a server draft based on an older version. Offered, never applied
 * silently.
 */
function recoverableOf(flowId: string | null, detail: FlowDetailDto, stored: { doc: FlowDocument; fields: FieldDraft[] }): Recoverable | null {
  // A flow not created yet has nothing kept anywhere else.
  if (flowId === null) return null;
  let local: LocalDraft | null = null;
  try {
    local = readLocalDraft(window.localStorage, flowId);
  } catch {
    local = null;
  }
  if (local && !sameWork(local, stored)) return { source: "browser", doc: local.doc, fields: local.fields, baseVersion: local.baseVersion, savedAt: local.savedAt };
  const draft = detail.draft;
  if (draft && draft.baseVersion !== detail.version) {
    return { source: "server", doc: draft.document, fields: draft.fields, baseVersion: draft.baseVersion, savedAt: Date.parse(draft.updatedAt) };
  }
  return null;
}

interface SessionProps {
  /** Null: a flow not created yet (/flows/new): Save creates it. */
  flowId: string | null;
  detail: FlowDetailDto;
  profiles: ReadonlySet<string> | undefined;
  /** An agent's draft to open unsaved on top of `detail` (the flows page's, for /flows/new). */
  initialAgentDraft?: AgentDraft;
}

function EditorSession({ flowId, detail, profiles, initialAgentDraft }: SessionProps) {
  const router = useRouter();
  const [store] = useState(() => createEditorStore(initialEditorState(detail.document, detail.version, profiles, currentDraftOf(detail))));
  const [recoverable, setRecoverable] = useState<Recoverable | null>(() => {
    const stored = storedWork(store.getState());
    return recoverableOf(flowId, detail, { doc: stored.doc, fields: [...stored.fieldDrafts.values()] });
  });
  const [notice, setNotice] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const fitView = useFitFlow(store);
  const [saving, setSaving] = useState(false);
  const [refusal, setRefusal] = useState<SaveRefusal | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [dialog, setDialog] = useState<"import" | "history" | "run" | "shortcuts" | "agent-draft" | null>(null);
  // The agent's draft on screen, unsaved (its banner shows until it is saved or hidden).
  const [agentDraft, setAgentDraft] = useState<AgentDraft | null>(null);
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
      store.dispatch({ type: "load", doc: await withLayout(detail.document), version: detail.version, draft: currentDraftOf(detail) });
      await fitAfterRender();
    });
  }, [detail, store, trackLayout, fitAfterRender]);

  useEffect(() => {
    if (profiles) store.dispatch({ type: "set-profiles", profiles });
  }, [profiles, store]);

  useUnsavedGuard(useCallback(() => isDirty(store.getState()), [store]), store.subscribe);
  useLocalDraft(store, flowId, recoverable?.source === "browser");

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 6000);
    return () => clearTimeout(timer);
  }, [notice]);

  /**
   * A flow with problems (field text that doesn't parse included) is saved as the flow's
   * draft: kept on the server, never run. Resolves false: no version was made.
   */
  const saveDraftNow = useCallback(
    async (state: EditorState): Promise<false> => {
      if (flowId === null) {
        // Nothing to keep a draft in yet (the toolbar disables Save meanwhile); a refusal by
        // the server is shown in the issues panel.
        const problems = state.issues.length;
        if (problems > 0) setNotice(`Not saved: a new flow is created once it is valid — fix ${problems === 1 ? "its problem" : `its ${problems} problems`} first`);
        return false;
      }
      const fieldDrafts = state.fieldDrafts;
      await saveDraft(flowId, { document: state.doc, baseVersion: state.baseVersion, fields: [...fieldDrafts.values()] });
      store.dispatch({ type: "mark-draft-saved", draft: { doc: state.doc, fieldDrafts } });
      const problems = state.issues.length;
      setNotice(`Saved as a draft (${problems} ${problems === 1 ? "problem" : "problems"}) — runs use v${state.baseVersion} until it is fixed and saved`);
      void queryClient.invalidateQueries({ queryKey: flowKeys.detail(flowId) });
      return false;
    },
    [flowId, queryClient, store],
  );

  /** Resolves true when the document is saved as a new version. */
  const save = useCallback(async (): Promise<boolean> => {
    if (saving) return false;
    if (issuesStale(store.getState())) store.dispatch({ type: "revalidate" });
    const state = store.getState();
    setSaving(true);
    try {
      if (state.issues.length > 0) {
        setRefusal(null);
        setConflict(null);
        return await saveDraftNow(state);
      }
      const message = saveMessage.current ?? undefined;
      if (flowId === null) {
        // The first Save of a flow drafted on the flows page: only now does it exist.
        const created = await createFlow(state.doc);
        store.dispatch({ type: "mark-saved", doc: state.doc, version: created.version });
        try {
          clearNewFlowDraft(window.sessionStorage);
        } catch {
          // Storage unavailable: nothing was kept there.
        }
        queryClient.setQueryData(flowKeys.detail(created.id), created);
        void queryClient.invalidateQueries({ queryKey: flowKeys.list() });
        router.replace(`/flows/${encodeURIComponent(created.id)}`);
        return true;
      }
      const saved = await saveFlow(flowId, { document: state.doc, baseVersion: state.baseVersion, ...(message ? { message } : {}) });
      store.dispatch({ type: "mark-saved", doc: state.doc, version: saved.version });
      saveMessage.current = null;
      setRefusal(null);
      setConflict(null);
      setNotice(`Saved as v${saved.version}${message ? ` — ${message}` : ""}`);
      setAgentDraft(null);
      queryClient.setQueryData(flowKeys.detail(flowId), saved);
      void queryClient.invalidateQueries({ queryKey: flowKeys.versions(flowId) });
      void queryClient.invalidateQueries({ queryKey: flowKeys.list() });
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) setConflict(error.message);
      else if (error instanceof ApiError && error.code === "validation_failed" && state.issues.length === 0) {
        // The server knows more (a profile's backend refuses an option): keep the work as a draft.
        setRefusal({ message: error.message, issues: error.issues });
        await saveDraftNow(state).catch(() => undefined);
      } else if (error instanceof ApiError) setRefusal({ message: error.message, issues: error.issues });
      else setRefusal({ message: `could not reach the server (${(error as Error).message})`, issues: [] });
      return false;
    } finally {
      setSaving(false);
    }
  }, [flowId, queryClient, router, saving, store, saveDraftNow]);

  useEditorShortcuts(store, {
    save: () => void save(),
    // Not over another dialog (the sheet closes with Escape, like every dialog).
    openShortcuts: () => setDialog((open) => open ?? "shortcuts"),
  });

  const reloadLatest = async () => {
    if (flowId === null) return;
    if (isDirty(store.getState()) && !window.confirm("Discard your unsaved changes and load the latest saved version?")) return;
    const latest = await queryClient.fetchQuery({ queryKey: flowKeys.detail(flowId), queryFn: () => getFlow(flowId), staleTime: 0 });
    store.dispatch({ type: "load", doc: await withLayout(latest.document), version: latest.version, draft: currentDraftOf(latest) });
    setConflict(null);
    setRefusal(null);
  };

  const restoreRecovered = () => {
    if (!recoverable) return;
    store.dispatch({ type: "replace-document", doc: recoverable.doc });
    for (const field of recoverable.fields) store.dispatch({ type: "set-field-draft", id: field.nodeId, path: field.path, draft: { text: field.text, error: field.error } });
    setRecoverable(null);
  };
  const discardRecovered = () => {
    if (!recoverable || flowId === null) return;
    if (recoverable.source === "browser") {
      try {
        clearLocalDraft(window.localStorage, flowId);
      } catch {
        // Storage unavailable: nothing was kept there.
      }
    } else void deleteDraft(flowId);
    setRecoverable(null);
  };
  const discardServerDraft = async () => {
    if (flowId === null) return;
    if (!window.confirm("Discard the draft and go back to the saved version? (Undo brings the draft's content back, unsaved.)")) return;
    await deleteDraft(flowId);
    store.dispatch({ type: "discard-draft" });
    void queryClient.invalidateQueries({ queryKey: flowKeys.detail(flowId) });
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
      onDraftWithAgent: () => setDialog("agent-draft"),
      onShortcuts: () => setDialog("shortcuts"),
      onSave: () => void save(),
      // A run is pinned to a saved version: unsaved edits are saved first, so what runs is
      // what the user sees.
      onRun: async () => {
        const state = store.getState();
        if ((isDirty(state) || onDraft(state)) && !(await save())) return;
        // A new flow's Save moved to its own page, where it runs.
        if (flowId !== null) setDialog("run");
      },
    }),
    [flowId, store, save, trackLayout, fitAfterRender],
  );

  const replaceDocument = useCallback(
    (doc: FlowDocument, message: string) =>
      trackLayout(async () => {
        saveMessage.current = message;
        store.dispatch({ type: "replace-document", doc: await withLayout(doc) });
        await fitAfterRender();
      }),
    [store, trackLayout, fitAfterRender],
  );

  /** An agent's draft replaces the document, unsaved (one undo step brings the previous one back). */
  const applyAgentDraft = useCallback(
    async (draft: AgentDraft) => {
      // A flow not created yet: the tab keeps the draft on screen, so a reload opens this one.
      if (flowId === null) {
        try {
          stashNewFlowDraft(window.sessionStorage, draft);
        } catch {
          // Storage unavailable: the draft lives on this page only.
        }
      }
      await replaceDocument(draft.doc, `drafted by ${draft.profile}`);
      setAgentDraft(draft);
    },
    [flowId, replaceDocument],
  );

  // A draft made on the flows page opens once, unsaved, over the empty new flow.
  const initialApplied = useRef(false);
  useEffect(() => {
    if (initialApplied.current || !initialAgentDraft) return;
    initialApplied.current = true;
    void applyAgentDraft(initialAgentDraft);
  }, [initialAgentDraft, applyAgentDraft]);

  return (
    <EditorStoreProvider value={store}>
      <div
        className="flex h-full flex-col"
        data-testid="flow-editor"
        aria-busy={layout.running > 0}
        data-layout={layout.running > 0 ? "running" : "idle"}
        data-layouts-done={layout.done}
      >
        <Toolbar flowId={flowId} actions={actions} saving={saving} notice={notice} />
        {agentDraft ? <AgentDraftBanner draft={agentDraft} onDismiss={() => setAgentDraft(null)} /> : null}
        <DraftBanners recoverable={recoverable} onRestore={restoreRecovered} onDiscardRecovered={discardRecovered} onDiscardDraft={() => void discardServerDraft()} />
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
      {dialog === "agent-draft" ? <AgentDraftDialog onDrafted={applyAgentDraft} onClose={() => setDialog(null)} /> : null}
      {dialog === "run" && flowId !== null ? (
        <RunDialog
          flowId={flowId}
          flowName={store.getState().savedDoc.name}
          inputs={store.getState().savedDoc.inputs}
          version={store.getState().baseVersion}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === "shortcuts" ? <ShortcutsSheet onClose={() => setDialog(null)} /> : null}
      {dialog === "history" && flowId !== null ? (
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

/**
 * /flows/new: the agent's draft from the flows page (agent-draft-handoff.ts) in the designer
 * of a flow that doesn't exist yet. The session starts from an empty document of the draft's
 * name, so the draft is the unsaved change (Undo brings the empty one back); Save creates the
 * flow. Nothing to open (another tab, a draft already saved): says so.
 */
export function NewFlowEditorScreen() {
  const profiles = useQuery({ queryKey: flowKeys.profiles, queryFn: listProfiles });
  const profileIds = useMemo(() => (profiles.data ? new Set(profiles.data.map((p) => p.id)) : undefined), [profiles.data]);
  // sessionStorage exists only in the browser: read after mounting (undefined: not read yet).
  const [draft, setDraft] = useState<AgentDraft | null | undefined>(undefined);
  useEffect(() => {
    let found: AgentDraft | null = null;
    try {
      found = readNewFlowDraft<AgentDraft>(window.sessionStorage);
    } catch {
      found = null;
    }
    setDraft(found && typeof found === "object" && found.doc && Array.isArray(found.doc.nodes) ? found : null);
  }, []);

  if (draft === undefined) return <div className="p-6 text-[12px] text-zinc-400">Loading draft…</div>;
  if (draft === null) {
    return (
      <div className="p-6 text-[13px]" data-testid="editor-error">
        <p className="font-medium text-zinc-800">There is no unsaved draft to open here: draft a flow with an agent from the flows page.</p>
        <a href="/flows" className="text-zinc-600 underline">Back to flows</a>
      </div>
    );
  }
  const name = draft.doc.name || "Drafted flow";
  const empty: FlowDetailDto = {
    id: "",
    name,
    description: "",
    latestVersion: 0,
    version: 0,
    document: { name, inputs: [], nodes: [], edges: [] },
    draft: null,
    createdAt: "",
    updatedAt: "",
  };
  return (
    <ReactFlowProvider>
      <EditorSession flowId={null} detail={empty} profiles={profileIds} initialAgentDraft={draft} />
    </ReactFlowProvider>
  );
}
