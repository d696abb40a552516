"use client";
/**
 * Version history: every saved version, a read-only preview of the one picked or what changed
 * between it and another version ("Compare with"), and Restore, which loads the picked version
 * into the editor as unsaved changes (saving it makes a new version; history is never
 * rewritten).
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { FlowDocument } from "@/lib/flow/document";
import { flowKeys, getVersion, listVersions } from "@/lib/client/flows";
import { Modal, buttonClass, primaryButtonClass } from "./modal";
import { ReadOnlyFlow } from "./read-only-flow";
import { VersionDiffView } from "./version-diff-view";
import { formatTime } from "./time";

export function VersionsDialog({ flowId, currentVersion, profiles, onRestore, onClose }: {
  flowId: string;
  currentVersion: number;
  profiles?: ReadonlySet<string>;
  onRestore: (doc: FlowDocument, version: number) => void;
  onClose: () => void;
}) {
  const versions = useQuery({ queryKey: flowKeys.versions(flowId), queryFn: () => listVersions(flowId) });
  const [picked, setPicked] = useState<number | null>(null);
  const [compareWith, setCompareWith] = useState<number | null>(null);
  const shown = picked ?? versions.data?.[0]?.version ?? null;
  const detail = useQuery({
    queryKey: flowKeys.version(flowId, shown ?? 0),
    queryFn: () => getVersion(flowId, shown ?? 0),
    enabled: shown !== null,
    staleTime: Infinity,
  });
  const other = compareWith !== null && compareWith !== shown ? compareWith : null;
  const otherDetail = useQuery({
    queryKey: flowKeys.version(flowId, other ?? 0),
    queryFn: () => getVersion(flowId, other ?? 0),
    enabled: other !== null,
    staleTime: Infinity,
  });
  // Older → newer, whichever of the two was picked first.
  const pair =
    other !== null && detail.data && otherDetail.data
      ? detail.data.version < otherDetail.data.version
        ? { before: detail.data, after: otherDetail.data }
        : { before: otherDetail.data, after: detail.data }
      : null;
  return (
    <Modal
      title="Version history"
      onClose={onClose}
      wide
      testId="versions-dialog"
      footer={
        <>
          <span className="mr-auto text-[11px] text-zinc-500">Restoring loads the version as unsaved changes; saving it makes a new version.</span>
          <button type="button" className={buttonClass} onClick={onClose}>
            Close
          </button>
          <button
            type="button"
            className={primaryButtonClass}
            disabled={!detail.data}
            onClick={() => {
              if (!detail.data) return;
              onRestore(detail.data.document, detail.data.version);
              onClose();
            }}
            data-testid="restore-version"
          >
            Restore v{shown ?? "…"}
          </button>
        </>
      }
    >
      <div className="flex h-[60vh]">
        <ul className="w-64 shrink-0 overflow-y-auto border-r border-zinc-200" data-testid="version-list">
          {versions.isPending ? <li className="p-3 text-[12px] text-zinc-400">Loading…</li> : null}
          {versions.error ? <li className="p-3 text-[12px] text-red-600">{versions.error.message}</li> : null}
          {versions.data?.map((v) => (
            <li key={v.version}>
              <button
                type="button"
                onClick={() => setPicked(v.version)}
                className={`block w-full border-b border-zinc-100 px-3 py-1.5 text-left hover:bg-zinc-50 ${v.version === shown ? "bg-zinc-100" : ""}`}
                data-testid={`version-${v.version}`}
              >
                <div className="flex items-center gap-2">
                  <span className="font-mono text-[12px] font-semibold">v{v.version}</span>
                  {v.version === currentVersion ? <span className="rounded bg-zinc-200 px-1 text-[10px] text-zinc-700">loaded</span> : null}
                  <span className="ml-auto text-[11px] text-zinc-500">{v.nodeCount} nodes</span>
                </div>
                <div className="truncate text-[11px] text-zinc-500">
                  {formatTime(v.createdAt)}
                  {v.message ? ` · ${v.message}` : ""}
                </div>
              </button>
            </li>
          ))}
        </ul>
        <div className="flex min-w-0 flex-1 flex-col bg-zinc-50" data-testid="version-preview">
          <div className="flex items-center gap-2 border-b border-zinc-200 bg-white px-3 py-1.5 text-[11px] text-zinc-600">
            <span>{detail.data ? `v${detail.data.version} · “${detail.data.document.name}” · read-only` : "…"}</span>
            <label htmlFor="compare-with" className="ml-auto font-medium">
              Compare with
            </label>
            <select
              id="compare-with"
              className="rounded border border-zinc-300 bg-white px-1 py-0.5 text-[11px]"
              value={other ?? ""}
              onChange={(e) => setCompareWith(e.target.value ? Number(e.target.value) : null)}
              data-testid="compare-with"
            >
              <option value="">nothing (show the graph)</option>
              {versions.data
                ?.filter((v) => v.version !== shown)
                .map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                    {v.message ? ` · ${v.message}` : ""}
                  </option>
                ))}
            </select>
          </div>
          <div className="relative min-h-0 flex-1">
            {other !== null ? (
              pair ? (
                <VersionDiffView before={pair.before.document} after={pair.after.document} from={pair.before.version} to={pair.after.version} />
              ) : (
                <div className="p-4 text-[12px] text-zinc-400">{otherDetail.error ? otherDetail.error.message : "Loading…"}</div>
              )
            ) : detail.data ? (
              <ReadOnlyFlow key={detail.data.version} doc={detail.data.document} profiles={profiles} />
            ) : (
              <div className="p-4 text-[12px] text-zinc-400">{detail.isFetching ? "Loading…" : "Pick a version."}</div>
            )}
          </div>
        </div>
      </div>
    </Modal>
  );
}
