"use client";
/** Small form controls shared by the inspector forms: dense, labelled, with data-testids. */
import { createContext, useContext, useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { flowKeys, listCheckedProfiles, listProfiles, profileUnavailability } from "@/lib/client/flows";
import { insertAt, listedReferences, type TemplateReference } from "@/lib/editor/references";
import { fieldDraftKey } from "@/lib/editor/field-drafts";
import { parseJsonObject } from "@/lib/editor/json-object";
import { useEditor, useEditorStore } from "../editor-context";

export const inputClass =
  "w-full rounded border border-zinc-300 bg-white px-2 py-1 text-[12px] text-zinc-900 outline-none focus:border-zinc-500 focus:ring-2 focus:ring-zinc-900/5";

/** The id of the control a Field labels: each control below reads it, so <label for> names it. */
const FieldIdContext = createContext<string | undefined>(undefined);
const useFieldId = () => useContext(FieldIdContext);

/**
 * A labelled control: the label names the control (`<label for>`, so "Prompt" is its
 * accessible name, not a placeholder); the hint and the error are its description.
 */
export function Field({ label, hint, error, children, id: given }: {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  children: ReactNode;
  /** The control's id, for a control that isn't one of the controls here (they read it themselves). */
  id?: string;
}) {
  const generated = useId();
  const id = given ?? generated;
  return (
    <div className="block space-y-1">
      <span className="flex items-baseline justify-between gap-2 text-[11px] font-medium text-zinc-600">
        <label htmlFor={id}>{label}</label>
        {hint ? <span className="truncate font-normal text-zinc-400">{hint}</span> : null}
      </span>
      <FieldIdContext.Provider value={id}>{children}</FieldIdContext.Provider>
      {error ? <span className="block text-[11px] text-red-600">{error}</span> : null}
    </div>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="space-y-2.5 border-b border-zinc-200 px-3 py-3">
      <div className="flex items-center justify-between">
        <h3 className="text-[11px] font-semibold uppercase tracking-wide text-zinc-500">{title}</h3>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function TextInput({ value, onChange, testId, placeholder }: { value: string; onChange: (v: string) => void; testId?: string; placeholder?: string }) {
  return <input id={useFieldId()} className={inputClass} value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} data-testid={testId} />;
}

/** A multi-line text field. */
export function TextArea({ value, onChange, testId, rows = 3 }: { value: string; onChange: (v: string) => void; testId?: string; rows?: number }) {
  return <textarea id={useFieldId()} className={`${inputClass} resize-y`} rows={rows} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} />;
}

/** An optional whole number: empty means "not set" (undefined). */
export function OptionalNumber({ value, onChange, testId, min, max, placeholder }: {
  value: number | undefined;
  onChange: (v: number | undefined) => void;
  testId?: string;
  min: number;
  max: number;
  placeholder?: string;
}) {
  const id = useFieldId();
  const [draft, setDraft] = useState(value === undefined ? "" : String(value));
  useEffect(() => setDraft(value === undefined ? "" : String(value)), [value]);
  const parsed = draft.trim() === "" ? undefined : Number(draft);
  const error = parsed !== undefined && (!Number.isInteger(parsed) || parsed < min || parsed > max) ? `a whole number from ${min} to ${max}` : null;
  return (
    <>
      <input
        id={id}
        className={inputClass}
        inputMode="numeric"
        value={draft}
        placeholder={placeholder}
        data-testid={testId}
        onChange={(e) => {
          setDraft(e.target.value);
          const next = e.target.value.trim() === "" ? undefined : Number(e.target.value);
          if (next === undefined || (Number.isInteger(next) && next >= min && next <= max)) onChange(next);
        }}
      />
      {error ? <span className="block text-[11px] text-red-600">{error}</span> : null}
    </>
  );
}

export function Select<T extends string>({ value, options, onChange, testId }: {
  value: T;
  options: ReadonlyArray<{ value: T; label: string }>;
  onChange: (v: T) => void;
  testId?: string;
}) {
  return (
    <select id={useFieldId()} className={inputClass} value={value} onChange={(e) => onChange(e.target.value as T)} data-testid={testId}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/**
 * Profiles from /api/profiles; a profile the document names but the server lacks stays listed
 * (marked). Once their checks answer (installed level: nothing is started), a profile that
 * can't run now is marked with why — the same conditions a run's start refuses on — so it is
 * not picked unknowingly.
 */
export function ProfileSelect({ value, onChange, testId, allowNone }: { value: string | undefined; onChange: (v: string | undefined) => void; testId?: string; allowNone?: boolean }) {
  const id = useFieldId();
  const profiles = useQuery({ queryKey: flowKeys.profiles, queryFn: listProfiles });
  const checked = useQuery({ queryKey: flowKeys.checkedProfiles, queryFn: listCheckedProfiles, staleTime: 30_000 });
  const known = profiles.data ?? [];
  const missing = value && !known.some((p) => p.id === value);
  const why = (id: string, enabled: boolean): string | null => {
    const found = checked.data?.find((p) => p.id === id);
    return found ? profileUnavailability(found) : enabled ? null : "disabled";
  };
  const selectedWhy = value && !missing ? why(value, known.find((p) => p.id === value)?.enabled ?? true) : null;
  return (
    <>
      <select
        id={id}
        className={inputClass}
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value || undefined)}
        data-testid={testId}
        data-checked={checked.data ? "yes" : "no"}
      >
        {allowNone || !value ? <option value="">— choose a profile —</option> : null}
        {missing ? <option value={value}>{value} (unknown)</option> : null}
        {known.map((p) => {
          const reason = why(p.id, p.enabled);
          return (
            <option key={p.id} value={p.id} title={p.label} data-unavailable={reason ?? undefined}>
              {p.id}
              {reason ? ` (${reason})` : ""}
            </option>
          );
        })}
      </select>
      {selectedWhy ? (
        <p className="mt-0.5 text-[11px] text-amber-700" data-testid={testId ? `${testId}-unavailable` : undefined}>
          {value}: {selectedWhy}
          {selectedWhy === "unreachable" ? " — its endpoint doesn't answer now" : " — a run using it is refused until it is fixed"} (Settings → Agents).
        </p>
      ) : null}
    </>
  );
}

/** A prompt textarea with the references it may use listed below; click one to insert it at the caret. */
export function PromptEditor({ value, onChange, references, testId, rows = 6 }: {
  value: string;
  onChange: (v: string) => void;
  references: TemplateReference[];
  testId: string;
  rows?: number;
}) {
  const id = useFieldId();
  const ref = useRef<HTMLTextAreaElement>(null);
  // Where the caret was when the prompt last lost focus (a click on a reference button blurs
  // it first); before the prompt was ever focused, a reference is appended.
  const caret = useRef<{ start: number; end: number } | null>(null);
  const insert = (snippet: string) => {
    const el = ref.current;
    const focused = el !== null && document.activeElement === el;
    const at = focused ? { start: el.selectionStart, end: el.selectionEnd } : caret.current;
    const start = at?.start ?? value.length;
    const end = at?.end ?? value.length;
    const next = insertAt(value, start, end, snippet);
    onChange(next.text);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.caret, next.caret);
    });
  };
  return (
    <div className="space-y-1.5">
      <textarea
        id={id}
        ref={ref}
        className={`${inputClass} resize-y font-mono text-[11.5px] leading-snug`}
        rows={rows}
        value={value}
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
        onBlur={(e) => (caret.current = { start: e.currentTarget.selectionStart, end: e.currentTarget.selectionEnd })}
        data-testid={testId}
      />
      <ReferenceButtons references={references} testId={testId} onInsert={insert} />
    </div>
  );
}

/** How many reference buttons are listed before the rest are left to the filter. */
const REFERENCES_LISTED = 12;

/** The insertable references; with more than REFERENCES_LISTED, a filter finds the rest. */
function ReferenceButtons({ references, testId, onInsert }: { references: TemplateReference[]; testId: string; onInsert: (text: string) => void }) {
  const [query, setQuery] = useState("");
  const { shown, more } = listedReferences(references, query, REFERENCES_LISTED);
  const filterable = references.length > REFERENCES_LISTED;
  return (
    <div className="space-y-1">
      {filterable ? (
        <input
          className={`${inputClass} py-0.5 font-mono text-[11px]`}
          value={query}
          placeholder={`Filter ${references.length} references…`}
          spellCheck={false}
          onChange={(e) => setQuery(e.target.value)}
          aria-label="Filter references"
          data-testid={`${testId}-refs-filter`}
        />
      ) : null}
      <div className="flex flex-wrap gap-1" data-testid={`${testId}-refs`}>
        {shown.map((r) => (
          <button
            key={r.text}
            type="button"
            className={`rounded border px-1 py-px font-mono text-[10.5px] hover:bg-zinc-100 ${r.group === "input" ? "border-sky-200 text-sky-700" : "border-zinc-300 text-zinc-600"}`}
            onClick={() => onInsert(r.text)}
            title="Insert at the caret"
            data-testid="insert-ref"
          >
            {r.text}
          </button>
        ))}
        {more > 0 ? (
          <span className="self-center text-[11px] text-zinc-400" data-testid={`${testId}-refs-more`}>
            +{more} more, filter to find them
          </span>
        ) : null}
        {references.length === 0 ? <span className="text-[11px] text-zinc-400">No inputs or upstream steps to reference.</span> : null}
        {references.length > 0 && shown.length === 0 ? <span className="text-[11px] text-zinc-400">No reference matches.</span> : null}
      </div>
    </div>
  );
}

/** argv, one argument per line: no shell parsing, no quoting rules. */
export function ArgvEditor({ value, onChange, testId }: { value: string[]; onChange: (v: string[]) => void; testId: string }) {
  const id = useFieldId();
  const [draft, setDraft] = useState(value.join("\n"));
  const last = useRef(value);
  useEffect(() => {
    // Only outside changes (undo, import) replace the draft; our own edits are `last.current`.
    if (value !== last.current) setDraft(value.join("\n"));
    last.current = value;
  }, [value]);
  return (
    <textarea
      id={id}
      className={`${inputClass} resize-y font-mono text-[11.5px]`}
      rows={Math.max(2, Math.min(8, draft.split("\n").length + 1))}
      value={draft}
      spellCheck={false}
      placeholder={"npm\ntest"}
      data-testid={testId}
      onChange={(e) => {
        setDraft(e.target.value);
        const next = e.target.value.split("\n").filter((line) => line !== "");
        last.current = next;
        onChange(next);
      }}
    />
  );
}

/**
 * A small JSON object field (agent options such as failTimes, delayMs, hang). Text that
 * doesn't parse is kept as a field draft in the editor store (lib/editor/field-drafts.ts):
 * shown here in red, listed as a problem, never silently dropped — not even when another node
 * is selected and this one comes back.
 */
export function JsonObjectField({ nodeId, path, value, onChange, testId }: {
  nodeId: string;
  /** Path below the node's config, e.g. "options" or "contestants[1].options". */
  path: string;
  value: Record<string, unknown> | undefined;
  onChange: (v: Record<string, unknown> | undefined) => void;
  testId: string;
}) {
  const id = useFieldId();
  const store = useEditorStore();
  const fieldDraft = useEditor((s) => s.fieldDrafts.get(fieldDraftKey(nodeId, path)));
  const format = (v: Record<string, unknown> | undefined) => (v && Object.keys(v).length > 0 ? JSON.stringify(v) : "");
  const [text, setText] = useState(() => fieldDraft?.text ?? format(value));
  const last = useRef(value);
  useEffect(() => {
    // Only outside changes (undo, import) replace the text; our own edits are `last.current`.
    if (value !== last.current && !fieldDraft) setText(format(value));
    last.current = value;
  }, [value, fieldDraft]);
  const setDraft = (draft: { text: string; error: string } | null) => store.dispatch({ type: "set-field-draft", id: nodeId, path, draft });
  return (
    <>
      <input
        id={id}
        className={`${inputClass} font-mono text-[11.5px] ${fieldDraft ? "border-red-400" : ""}`}
        value={text}
        placeholder='{"failTimes": 1, "delayMs": 200}'
        spellCheck={false}
        aria-invalid={fieldDraft ? true : undefined}
        data-testid={testId}
        onChange={(e) => {
          setText(e.target.value);
          const parsed = parseJsonObject(e.target.value);
          if (!parsed.ok) {
            setDraft({ text: e.target.value, error: parsed.error });
            return;
          }
          setDraft(null);
          last.current = parsed.value;
          onChange(parsed.value);
        }}
      />
      {fieldDraft ? (
        <span className="block text-[11px] text-red-600" data-testid={`${testId}-error`}>
          {fieldDraft.error} — not applied; fix it or clear the field
        </span>
      ) : null}
    </>
  );
}

/** Sets `key` to `value`, removing the key when the value is undefined or "". */
export function setOptional<T extends object, K extends keyof T>(config: T, key: K, value: T[K] | undefined): T {
  const next = { ...config };
  if (value === undefined || value === "") delete next[key];
  else next[key] = value;
  return next;
}
