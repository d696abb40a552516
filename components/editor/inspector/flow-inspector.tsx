"use client";
/** Inspector when no node is selected: the flow's name, description and inputs. */
import { INPUT_NAME_PATTERN, type FlowInput } from "@/lib/flow/document";
import { useEditor, useEditorStore } from "../editor-context";
import { Field, Section, TextArea, TextInput, inputClass } from "./fields";

const smallLabel = "mb-0.5 block text-[10.5px] font-medium text-zinc-500";

function SmallField({ id, label, value, onChange, testId }: { id: string; label: string; value: string; onChange: (v: string) => void; testId: string }) {
  return (
    <div>
      <label htmlFor={id} className={smallLabel}>
        {label}
      </label>
      <input id={id} className={inputClass} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
    </div>
  );
}

export function FlowInspector() {
  const store = useEditorStore();
  const doc = useEditor((s) => s.doc);
  const issues = useEditor((s) => s.issues);
  const setInputs = (inputs: FlowInput[], key: string) => store.dispatch({ type: "set-inputs", inputs, coalesceKey: key });
  const update = (i: number, patch: Partial<FlowInput>, field: string) => {
    const next = doc.inputs.map((input, j) => {
      if (j !== i) return input;
      const merged: FlowInput = { ...input, ...patch };
      for (const key of ["description", "default"] as const) if (merged[key] === "") delete merged[key];
      if (merged.required === false) delete merged.required;
      return merged;
    });
    setInputs(next, `inputs[${i}].${field}`);
  };
  const inputIssue = (i: number) => issues.find((issue) => issue.path.startsWith(`inputs[${i}]`))?.message;
  return (
    <div data-testid="flow-inspector">
      <Section title="Flow">
        <Field label="Name">
          <TextInput value={doc.name} onChange={(name) => store.dispatch({ type: "set-flow-name", name })} testId="field-flow-name" />
        </Field>
        <Field label="Description" hint="optional">
          <TextArea rows={2} value={doc.description ?? ""} onChange={(description) => store.dispatch({ type: "set-flow-description", description })} testId="field-flow-description" />
        </Field>
      </Section>
      <Section
        title={`Inputs (${doc.inputs.length})`}
        actions={
          <button
            type="button"
            className="rounded border border-zinc-300 px-1.5 py-px text-[11px] hover:bg-zinc-100"
            onClick={() => {
              const taken = new Set(doc.inputs.map((input) => input.name));
              let name = "input";
              for (let n = 2; taken.has(name); n++) name = `input${n}`;
              setInputs([...doc.inputs, { name }], "inputs.add");
            }}
            data-testid="add-input"
          >
            + Add
          </button>
        }
      >
        {doc.inputs.length === 0 ? <p className="text-[11px] text-zinc-400">No inputs. Prompts read inputs as {"{{inputs.<name>}}"}.</p> : null}
        <ul className="space-y-2">
          {doc.inputs.map((input, i) => {
            const nameError = !INPUT_NAME_PATTERN.test(input.name) ? "must be an identifier (letters, digits, _)" : inputIssue(i);
            return (
              <li key={i} className="space-y-1.5 rounded border border-zinc-200 bg-zinc-50/60 p-2" data-testid="flow-input">
                <div className="flex items-end gap-1.5">
                  <div className="min-w-0 flex-1">
                    <label htmlFor={`flow-input-${i}-name`} className={smallLabel}>
                      Input name
                    </label>
                    <input
                      id={`flow-input-${i}-name`}
                      className={`${inputClass} font-mono ${nameError ? "border-red-400" : ""}`}
                      value={input.name}
                      spellCheck={false}
                      onChange={(e) => update(i, { name: e.target.value }, "name")}
                      data-testid={`input-${i}-name`}
                    />
                  </div>
                  <label className="flex shrink-0 items-center gap-1 pb-1.5 text-[11px] text-zinc-600">
                    <input type="checkbox" checked={input.required ?? false} onChange={(e) => update(i, { required: e.target.checked }, "required")} data-testid={`input-${i}-required`} />
                    required
                  </label>
                  <button
                    type="button"
                    className="mb-1 rounded px-1 text-zinc-400 hover:bg-zinc-100 hover:text-red-600"
                    title="Remove input"
                    aria-label={`Remove input ${input.name}`}
                    onClick={() => setInputs(doc.inputs.filter((_, j) => j !== i), `inputs.remove`)}
                    data-testid={`input-${i}-remove`}
                  >
                    ✕
                  </button>
                </div>
                {nameError ? <span className="block text-[11px] text-red-600">{nameError}</span> : null}
                <SmallField id={`flow-input-${i}-default`} label="Default value" value={input.default ?? ""} onChange={(v) => update(i, { default: v }, "default")} testId={`input-${i}-default`} />
                <SmallField id={`flow-input-${i}-description`} label="Description" value={input.description ?? ""} onChange={(v) => update(i, { description: v }, "description")} testId={`input-${i}-description`} />
              </li>
            );
          })}
        </ul>
      </Section>
      <p className="px-3 py-3 text-[11px] text-zinc-400">Select a node to edit it. Add nodes from the palette (click or drag).</p>
    </div>
  );
}
