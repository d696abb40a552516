"use client";
/**
 * Import a flow from JSON (paste or upload). Parsing and validation run as you paste; a
 * document that can't be loaded is refused with its issues. `onImport` may reject with an
 * ApiError (e.g. the server refusing an invalid flow); its issues are shown here.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { FlowDocument } from "@/lib/flow/document";
import { ApiError, flowKeys, listProfiles } from "@/lib/client/flows";
import { importFlowJson } from "@/lib/editor/import-export";
import type { ValidationIssue } from "@/lib/flow/validate";
import { Modal, buttonClass, primaryButtonClass } from "./modal";

export function IssueList({ issues, testId }: { issues: ValidationIssue[]; testId: string }) {
  return (
    <ul className="max-h-40 space-y-0.5 overflow-y-auto rounded border border-red-200 bg-red-50 px-2 py-1.5" data-testid={testId}>
      {issues.map((issue, i) => (
        <li key={i} className="text-[12px] text-red-700">
          <span className="font-mono text-[11px] text-red-500">{issue.path}</span> {issue.message}
        </li>
      ))}
    </ul>
  );
}

export function ImportDialog({ title, actionLabel, onImport, onClose }: {
  title: string;
  actionLabel: string;
  onImport: (doc: FlowDocument) => Promise<void> | void;
  onClose: () => void;
}) {
  const profiles = useQuery({ queryKey: flowKeys.profiles, queryFn: listProfiles });
  const profileIds = useMemo(() => (profiles.data ? new Set(profiles.data.map((p) => p.id)) : undefined), [profiles.data]);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<{ message: string; issues: ValidationIssue[] } | null>(null);
  const result = useMemo(() => (text.trim() ? importFlowJson(text, profileIds) : null), [text, profileIds]);

  const submit = async () => {
    if (!result?.ok) return;
    setBusy(true);
    setRefusal(null);
    try {
      await onImport(result.doc);
      onClose();
    } catch (error) {
      if (error instanceof ApiError) setRefusal({ message: error.message, issues: error.issues });
      else setRefusal({ message: (error as Error).message, issues: [] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={title}
      onClose={onClose}
      testId="import-dialog"
      footer={
        <>
          <button type="button" className={buttonClass} onClick={onClose}>
            Cancel
          </button>
          <button type="button" className={primaryButtonClass} disabled={!result?.ok || busy} onClick={submit} data-testid="import-submit">
            {actionLabel}
          </button>
        </>
      }
    >
      <div className="space-y-2 p-4">
        <div className="flex items-center gap-2 text-[12px] text-zinc-600">
          <label className={`${buttonClass} cursor-pointer`}>
            Choose file…
            <input
              type="file"
              accept=".json,application/json"
              className="hidden"
              data-testid="import-file"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (file) setText(await file.text());
              }}
            />
          </label>
          <span>or paste the flow JSON below.</span>
        </div>
        <textarea
          className="h-64 w-full resize-y rounded border border-zinc-300 px-2 py-1.5 font-mono text-[11.5px] outline-none focus:border-zinc-500"
          value={text}
          spellCheck={false}
          placeholder='{ "name": "…", "inputs": [], "nodes": [], "edges": [] }'
          onChange={(e) => setText(e.target.value)}
          data-testid="import-text"
        />
        {result && !result.ok ? (
          <>
            <p className="text-[12px] font-medium text-red-700">Can&apos;t import this:</p>
            <IssueList issues={result.issues} testId="import-issues" />
          </>
        ) : null}
        {result?.ok ? (
          result.issues.length > 0 ? (
            <>
              <p className="text-[12px] text-amber-800" data-testid="import-status">
                {result.doc.nodes.length} nodes; {result.issues.length} validation {result.issues.length === 1 ? "issue" : "issues"} to fix before saving:
              </p>
              <IssueList issues={result.issues} testId="import-issues" />
            </>
          ) : (
            <p className="text-[12px] text-emerald-700" data-testid="import-status">
              Valid flow “{result.doc.name}”: {result.doc.nodes.length} nodes, {result.doc.edges.length} edges.
            </p>
          )
        ) : null}
        {refusal ? (
          <>
            <p className="text-[12px] font-medium text-red-700" data-testid="import-refused">Refused: {refusal.message}</p>
            {refusal.issues.length > 0 ? <IssueList issues={refusal.issues} testId="import-server-issues" /> : null}
          </>
        ) : null}
      </div>
    </Modal>
  );
}
