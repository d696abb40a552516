"use client";
/**
 * Fallback for a node whose config doesn't match its kind (possible after an import): edit
 * the config as JSON until it parses as the kind's config, then the normal form takes over.
 */
import { useState } from "react";
import type { FlowNode } from "@/lib/flow/document";
import { Section, inputClass } from "./fields";

export function RawConfigForm({ node, onChange }: { node: FlowNode; onChange: (config: FlowNode["config"]) => void }) {
  const [draft, setDraft] = useState(JSON.stringify(node.config, null, 2));
  const [error, setError] = useState<string | null>(null);
  return (
    <Section title="Config (JSON)">
      <p className="text-[11px] text-amber-700">This {node.kind} config doesn&apos;t match its kind; fix it here (see the issues above).</p>
      <textarea
        className={`${inputClass} resize-y font-mono text-[11.5px]`}
        rows={10}
        value={draft}
        spellCheck={false}
        data-testid="field-raw-config"
        onChange={(e) => {
          setDraft(e.target.value);
          try {
            const parsed: unknown = JSON.parse(e.target.value);
            if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("must be a JSON object");
            setError(null);
            onChange(parsed as FlowNode["config"]);
          } catch (err) {
            setError(err instanceof SyntaxError ? "not valid JSON yet" : (err as Error).message);
          }
        }}
      />
      {error ? <span className="text-[11px] text-amber-700">{error} — not applied</span> : null}
    </Section>
  );
}
