"use client";
/** Inspector for one node: id (rename), label, its issues, then its kind's form. */
import { useId, useMemo, useState } from "react";
import type { FlowNode } from "@/lib/flow/document";
import { renameRefusal } from "@/lib/editor/document-ops";
import { availableReferences } from "@/lib/editor/references";
import { kindDefinition } from "@/lib/kinds";
import { KIND_STYLES, kindForm } from "@/lib/kinds/client";
import { useEditor, useEditorStore } from "../editor-context";
import { Field, Section, TextInput, inputClass } from "./fields";
import { RawConfigForm } from "./raw-config-form";
import { configHasShape, type ValidationIssue } from "@/lib/flow/validate";

/** Looks up the first problem at a config path ("prompt") or below it ("options.hang"). */
function fieldErrors(issues: readonly ValidationIssue[]): (path: string) => string | undefined {
  const byPath = new Map<string, string>();
  for (const issue of issues) {
    const path = issue.path.replace(/^nodes\[\d+\]\.config\./, "");
    if (path === issue.path) continue;
    if (!byPath.has(path)) byPath.set(path, issue.message);
  }
  return (path) => {
    const exact = byPath.get(path);
    if (exact !== undefined) return exact;
    for (const [at, message] of byPath) if (at.startsWith(`${path}.`)) return `${at.slice(path.length + 1)}: ${message}`;
    return undefined;
  };
}

function RenameField({ id }: { id: string }) {
  const store = useEditorStore();
  const inputId = useId();
  const [draft, setDraft] = useState(id);
  const doc = useEditor((s) => s.doc);
  const refusal = renameRefusal(doc, id, draft);
  const apply = () => {
    if (draft !== id && !refusal) store.dispatch({ type: "rename-node", from: id, to: draft });
  };
  return (
    <Field label="Id" hint="renaming updates edges and {{steps.…}} references" error={draft !== id ? refusal : null} id={inputId}>
      <input
        id={inputId}
        className={`${inputClass} font-mono ${refusal ? "border-red-400" : ""}`}
        value={draft}
        spellCheck={false}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === "Enter") apply();
          if (e.key === "Escape") setDraft(id);
        }}
        data-testid="field-id"
      />
    </Field>
  );
}

export function NodeInspector({ node }: { node: FlowNode }) {
  const store = useEditorStore();
  const doc = useEditor((s) => s.doc);
  const issues = useEditor((s) => s.issuesByNode.get(node.id));
  const references = useMemo(() => availableReferences(doc, node.id), [doc, node.id]);
  const definition = kindDefinition(node.kind);
  // The form shows any config with its kind's shape, refused values included (their problems
  // show under their fields); only a config of the wrong shape (an import) needs the JSON editor.
  const formFits = configHasShape(node.kind, node.config);
  const errorAt = useMemo(() => fieldErrors(issues ?? []), [issues]);
  const Form = kindForm(node.kind);
  const onChange = (config: FlowNode["config"], field: string) =>
    store.dispatch({ type: "set-node-config", id: node.id, config, coalesceKey: `${node.id}.${field}` });
  return (
    <div data-testid="node-inspector">
      <Section title="Node">
        <div className="flex items-center gap-2">
          <span className={`rounded px-1.5 py-px text-[10px] font-semibold uppercase tracking-wide ring-1 ring-inset ${KIND_STYLES[node.kind].chip}`}>
            {definition.label}
          </span>
          <span className="text-[11px] text-zinc-500">{definition.summary}</span>
        </div>
        <RenameField key={node.id} id={node.id} />
        <Field label="Label" hint="optional">
          <TextInput value={node.label ?? ""} onChange={(label) => store.dispatch({ type: "set-node-label", id: node.id, label })} testId="field-label" />
        </Field>
        {issues && issues.length > 0 ? (
          <ul className="space-y-1 rounded border border-red-200 bg-red-50 px-2 py-1.5 text-[11px] text-red-700" data-testid="node-inspector-issues">
            {issues.map((issue, i) => (
              <li key={i}>
                <span className="font-mono text-red-500">{issue.path.replace(/^nodes\[\d+\]\.?/, "") || "node"}</span> {issue.message}
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
      {formFits ? (
        <Form id={node.id} config={node.config} references={references} onChange={onChange} errorAt={errorAt} />
      ) : (
        <RawConfigForm key={node.id} node={node} onChange={(config) => onChange(config, "raw")} />
      )}
    </div>
  );
}
