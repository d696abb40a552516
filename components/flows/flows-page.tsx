"use client";
/**
 * The flows list: every flow with its size, version and last change; create (empty or from
 * imported JSON, or drafted by an agent), rename in place, delete after confirming, open in the
 * editor.
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { FlowDocument } from "@/lib/flow/document";
import { ApiError, createFlow, deleteFlow, flowKeys, listFlows, renameFlow, type FlowSummaryDto } from "@/lib/client/flows";
import { newFlowDocument } from "@/lib/editor/document-ops";
import { ImportDialog } from "@/components/editor/import-dialog";
import { AgentDraftDialog, type AgentDraft } from "@/components/editor/agent-draft-dialog";
import { stashNewFlowDraft } from "@/lib/editor/agent-draft-handoff";
import { buttonClass, primaryButtonClass } from "@/components/editor/modal";
import { formatTime } from "@/components/editor/time";

function RenameCell({ flow, onDone }: { flow: FlowSummaryDto; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(flow.name);
  const rename = useMutation({
    mutationFn: (next: string) => renameFlow(flow.id, next),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: flowKeys.all });
      onDone();
    },
  });
  return (
    <form
      className="flex items-center gap-1.5"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim() && name !== flow.name) rename.mutate(name.trim());
        else onDone();
      }}
    >
      <input
        autoFocus
        className="w-72 rounded border border-zinc-400 px-1.5 py-0.5 text-[12.5px] outline-none focus:ring-2 focus:ring-zinc-900/10"
        value={name}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && onDone()}
        data-testid="rename-input"
      />
      <button type="submit" className={buttonClass} disabled={rename.isPending || !name.trim()} data-testid="rename-save">
        Save
      </button>
      <button type="button" className={buttonClass} onClick={onDone}>
        Cancel
      </button>
      {rename.error ? <span className="text-[11px] text-red-600">{rename.error.message}</span> : null}
    </form>
  );
}

function FlowRow({ flow }: { flow: FlowSummaryDto }) {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<"view" | "rename" | "confirm-delete">("view");
  const remove = useMutation({
    mutationFn: () => deleteFlow(flow.id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: flowKeys.all }),
  });
  return (
    <tr className="group border-b border-zinc-100 hover:bg-zinc-50/70" data-testid="flow-row" data-flow-id={flow.id}>
      <td className="px-3 py-1.5">
        {mode === "rename" ? (
          <RenameCell flow={flow} onDone={() => setMode("view")} />
        ) : (
          <Link href={`/flows/${flow.id}`} className="font-medium text-zinc-900 hover:underline" data-testid="flow-link">
            {flow.name}
          </Link>
        )}
        {flow.description && mode !== "rename" ? <div className="max-w-xl truncate text-[11px] text-zinc-500">{flow.description}</div> : null}
      </td>
      <td className="px-3 py-1.5 text-right tabular-nums text-zinc-700" data-testid="flow-nodes">{flow.nodeCount}</td>
      <td className="px-3 py-1.5 text-right font-mono text-[11.5px] text-zinc-600" data-testid="flow-version">v{flow.latestVersion}</td>
      <td className="px-3 py-1.5 text-zinc-500" title={new Date(flow.updatedAt).toLocaleString()}>{formatTime(flow.updatedAt)}</td>
      <td className="px-3 py-1.5 text-right">
        {mode === "confirm-delete" ? (
          <span className="inline-flex items-center gap-1.5" data-testid="delete-confirm">
            <span className="text-[12px] text-red-700">Delete “{flow.name}”?</span>
            <button
              type="button"
              className="rounded border border-red-600 bg-red-600 px-2 py-0.5 text-[12px] font-medium text-white hover:bg-red-700"
              onClick={() => remove.mutate()}
              disabled={remove.isPending}
              data-testid="delete-confirm-yes"
            >
              Delete
            </button>
            <button type="button" className={buttonClass} onClick={() => setMode("view")}>
              Keep
            </button>
          </span>
        ) : (
          <span className="inline-flex gap-1 opacity-60 group-hover:opacity-100">
            <Link href={`/flows/${flow.id}`} className={buttonClass} data-testid="flow-open">
              Open
            </Link>
            <button type="button" className={buttonClass} onClick={() => setMode("rename")} data-testid="flow-rename">
              Rename
            </button>
            <button type="button" className={`${buttonClass} hover:border-red-300 hover:text-red-700`} onClick={() => setMode("confirm-delete")} data-testid="flow-delete">
              Delete
            </button>
          </span>
        )}
        {remove.error ? <div className="text-[11px] text-red-600">{remove.error.message}</div> : null}
      </td>
    </tr>
  );
}

function NewFlowForm({ onCancel }: { onCancel: () => void }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState("Untitled flow");
  const create = useMutation({
    mutationFn: (flowName: string) => createFlow(newFlowDocument(flowName)),
    onSuccess: (flow) => {
      void queryClient.invalidateQueries({ queryKey: flowKeys.all });
      router.push(`/flows/${flow.id}`);
    },
  });
  return (
    <form
      className="flex items-center gap-1.5 rounded border border-zinc-300 bg-white px-2 py-1.5"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) create.mutate(name.trim());
      }}
      data-testid="new-flow-form"
    >
      <span className="text-[12px] text-zinc-500">Name</span>
      <input
        autoFocus
        className="w-64 rounded border border-zinc-300 px-1.5 py-0.5 text-[12.5px] outline-none focus:border-zinc-500"
        value={name}
        onChange={(e) => setName(e.target.value)}
        onFocus={(e) => e.target.select()}
        data-testid="new-flow-name"
      />
      <button type="submit" className={primaryButtonClass} disabled={create.isPending || !name.trim()} data-testid="new-flow-create">
        Create
      </button>
      <button type="button" className={buttonClass} onClick={onCancel}>
        Cancel
      </button>
      {create.error ? <span className="text-[11px] text-red-600">{create.error.message}</span> : null}
    </form>
  );
}

export function FlowsPage() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const flows = useQuery({ queryKey: flowKeys.list(), queryFn: listFlows });
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [drafting, setDrafting] = useState(false);

  const importFlow = async (doc: FlowDocument) => {
    const flow = await createFlow(doc);
    await queryClient.invalidateQueries({ queryKey: flowKeys.all });
    router.push(`/flows/${flow.id}`);
  };

  /**
   * The draft opens in the designer of a flow that doesn't exist yet (/flows/new), unsaved:
   * nothing is created until Save makes it a new flow, so a draft that is never saved leaves
   * no flow behind.
   */
  const openAgentDraft = (draft: AgentDraft) => {
    stashNewFlowDraft(window.sessionStorage, draft);
    router.push("/flows/new");
  };

  return (
    <div className="mx-auto max-w-6xl px-6 py-5" data-testid="flows-page">
      <div className="mb-3 flex items-center gap-2">
        <h1 className="text-[15px] font-semibold text-zinc-900">Flows</h1>
        {flows.data ? <span className="text-[12px] text-zinc-500">{flows.data.length}</span> : null}
        <div className="ml-auto flex items-center gap-1.5">
          {creating ? <NewFlowForm onCancel={() => setCreating(false)} /> : null}
          {!creating ? (
            <button type="button" className={primaryButtonClass} onClick={() => setCreating(true)} data-testid="new-flow">
              + New flow
            </button>
          ) : null}
          <button type="button" className={buttonClass} onClick={() => setImporting(true)} data-testid="import-flow">
            Import JSON…
          </button>
          <button type="button" className={buttonClass} onClick={() => setDrafting(true)} data-testid="draft-with-agent">
            ✦ Draft with an agent…
          </button>
        </div>
      </div>
      <div className="overflow-hidden rounded-md border border-zinc-200 bg-white">
        <table className="w-full border-collapse text-[12.5px]" data-testid="flows-table">
          <thead>
            <tr className="border-b border-zinc-200 bg-zinc-50 text-left text-[11px] font-semibold uppercase tracking-wide text-zinc-500">
              <th className="px-3 py-1.5">Name</th>
              <th className="w-20 px-3 py-1.5 text-right">Nodes</th>
              <th className="w-20 px-3 py-1.5 text-right">Version</th>
              <th className="w-40 px-3 py-1.5">Updated</th>
              <th className="w-72 px-3 py-1.5" />
            </tr>
          </thead>
          <tbody>
            {flows.isPending ? (
              <tr>
                <td colSpan={5} className="px-3 py-6 text-center text-zinc-400">Loading…</td>
              </tr>
            ) : null}
            {flows.error ? (
              <tr>
                <td colSpan={5} className="px-3 py-6 text-center text-red-600">
                  {flows.error instanceof ApiError ? flows.error.message : "Could not load flows."}
                </td>
              </tr>
            ) : null}
            {flows.data?.length === 0 ? (
              <tr>
                <td colSpan={5} className="px-3 py-8 text-center text-zinc-500" data-testid="flows-empty">
                  No flows yet. Create one, or import a flow JSON.
                </td>
              </tr>
            ) : null}
            {flows.data?.map((flow) => <FlowRow key={flow.id} flow={flow} />)}
          </tbody>
        </table>
      </div>
      {drafting ? <AgentDraftDialog onDrafted={openAgentDraft} onClose={() => setDrafting(false)} /> : null}
      {importing ? (
        <ImportDialog title="Import a flow" actionLabel="Create flow" onImport={importFlow} onClose={() => setImporting(false)} />
      ) : null}
    </div>
  );
}
