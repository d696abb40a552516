"use client";
/**
 * One inspector form per node kind, in a Record keyed by NodeKind (a new kind without a form
 * is a type error). Each form edits its node's config and reports the field it changed, which
 * becomes the undo coalescing key (typing in one field is one undo step).
 *
 * A required text field that is cleared holds "" (never a missing key), so the config keeps
 * its kind's shape and the form stays: the emptiness is an ordinary problem shown under the
 * field ("prompt must not be empty").
 */
import type { ComponentType } from "react";
import {
  FOLD_MODES,
  SELECT_MODES,
  type ApprovalConfig,
  type ArenaConfig,
  type AgentConfig,
  type CheckConfig,
  type Contestant,
  type FoldConfig,
  type NodeConfigByKind,
  type NodeKind,
} from "@/lib/flow/document";
import { MAX_CONTESTANTS, MIN_CONTESTANTS } from "@/lib/flow/node-kinds";
import type { TemplateReference } from "@/lib/editor/references";
import { useEditorStore } from "../editor-context";
import { LoopForm } from "@/lib/kinds/loop/client";
import { RunSettingsFields } from "./common-fields";
import { ArgvEditor, Field, JsonObjectField, ProfileSelect, PromptEditor, Section, Select, TextArea, TextInput, setOptional } from "./fields";

export interface KindFormProps<K extends NodeKind> {
  id: string;
  config: NodeConfigByKind[K];
  references: TemplateReference[];
  onChange: (config: NodeConfigByKind[K], field: string) => void;
  /** The problem with a config path ("prompt", "contestants[1].profile"), if any. */
  errorAt: (path: string) => string | undefined;
}

function AgentForm({ id, config, references, onChange, errorAt }: KindFormProps<"agent">) {
  const set = <F extends keyof AgentConfig>(key: F, value: AgentConfig[F] | undefined) => onChange(setOptional(config, key, value), key);
  return (
    <>
      <Section title="Agent">
        <div className="grid grid-cols-2 gap-2">
          <Field label="Profile" error={errorAt("profile")}>
            <ProfileSelect value={config.profile} onChange={(v) => onChange({ ...config, profile: v ?? "" }, "profile")} testId="field-profile" />
          </Field>
          <Field label="Model" hint="optional">
            <TextInput value={config.model ?? ""} onChange={(v) => set("model", v)} testId="field-model" placeholder="profile default" />
          </Field>
        </div>
        <Field label="Prompt" error={errorAt("prompt")}>
          <PromptEditor value={config.prompt} onChange={(v) => onChange({ ...config, prompt: v }, "prompt")} references={references} testId="field-prompt" />
        </Field>
      </Section>
      <Section title="Run">
        <RunSettingsFields id="field" config={config} onChange={onChange} workspace />
        <Field label="Options" hint="backend-specific JSON" error={optionsError(errorAt, "options")}>
          <JsonObjectField nodeId={id} path="options" value={config.options} onChange={(v) => set("options", v)} testId="field-options" />
        </Field>
      </Section>
    </>
  );
}

/**
 * The validator's problem with an options object (an option the backend doesn't allow); a
 * field draft's own error is shown by the field, so it isn't repeated here.
 */
function optionsError(errorAt: (path: string) => string | undefined, path: string): string | undefined {
  const error = errorAt(path);
  return error?.endsWith("— not applied") ? undefined : error;
}

const SELECT_OPTIONS = SELECT_MODES.map((m) => ({
  value: m,
  label: { first: "first — first to succeed", check: "check — first whose command passes", judge: "judge — an agent picks", manual: "manual — a person picks" }[m],
}));

function ArenaForm({ id, config, references, onChange, errorAt }: KindFormProps<"arena">) {
  const store = useEditorStore();
  const set = <F extends keyof ArenaConfig>(key: F, value: ArenaConfig[F] | undefined) => onChange(setOptional(config, key, value), key);
  const contestants = config.contestants;
  const setContestant = (i: number, patch: (c: Contestant) => Contestant) =>
    set("contestants", contestants.map((c, j) => (j === i ? patch(c) : c)));
  const setSelect = (select: ArenaConfig["select"]) => onChange({ ...config, select }, `select.${select.mode}`);
  const select = config.select;
  return (
    <>
      <Section title="Arena">
        <Field label="Prompt" hint="sent to every contestant" error={errorAt("prompt")}>
          <PromptEditor value={config.prompt} onChange={(v) => onChange({ ...config, prompt: v }, "prompt")} references={references} testId="field-prompt" />
        </Field>
      </Section>
      <Section
        title={`Contestants (${contestants.length})`}
        actions={
          <button
            type="button"
            className="rounded border border-zinc-300 px-1.5 py-px text-[11px] hover:bg-zinc-100 disabled:opacity-40"
            disabled={contestants.length >= MAX_CONTESTANTS}
            onClick={() => set("contestants", [...contestants, { profile: contestants[contestants.length - 1]?.profile ?? "demo" }])}
            data-testid="add-contestant"
          >
            + Add
          </button>
        }
      >
        {errorAt("contestants") ? <p className="text-[11px] text-red-600">{errorAt("contestants")}</p> : null}
        <ul className="space-y-2">
          {contestants.map((c, i) => (
            <li key={i} className="space-y-1.5 rounded border border-zinc-200 bg-zinc-50/60 p-2" data-testid="contestant">
              <div className="flex items-center justify-between">
                <span className="text-[11px] font-semibold text-zinc-600">Contestant {i + 1}</span>
                <button
                  type="button"
                  className="rounded px-1 text-zinc-400 hover:bg-zinc-100 hover:text-red-600 disabled:opacity-30"
                  disabled={contestants.length <= MIN_CONTESTANTS}
                  title={contestants.length <= MIN_CONTESTANTS ? `an arena needs at least ${MIN_CONTESTANTS}` : `Remove contestant ${i + 1}`}
                  aria-label={`Remove contestant ${i + 1}`}
                  onClick={() => store.dispatch({ type: "remove-list-item", id, path: "contestants", index: i })}
                  data-testid={`remove-contestant-${i}`}
                >
                  ✕
                </button>
              </div>
              <div className="grid grid-cols-2 gap-2">
                <Field label="Profile" error={errorAt(`contestants[${i}].profile`)}>
                  <ProfileSelect value={c.profile} onChange={(v) => setContestant(i, (x) => ({ ...x, profile: v ?? "" }))} testId={`contestant-${i}-profile`} />
                </Field>
                <Field label="Model" hint="optional">
                  <TextInput value={c.model ?? ""} onChange={(v) => setContestant(i, (x) => setOptional(x, "model", v))} placeholder="profile default" testId={`contestant-${i}-model`} />
                </Field>
              </div>
              <Field label="Options" hint="backend-specific JSON" error={optionsError(errorAt, `contestants[${i}].options`)}>
                <JsonObjectField
                  nodeId={id}
                  path={`contestants[${i}].options`}
                  value={c.options}
                  onChange={(v) => setContestant(i, (x) => setOptional(x, "options", v))}
                  testId={`contestant-${i}-options`}
                />
              </Field>
            </li>
          ))}
        </ul>
        <p className="text-[11px] text-zinc-400">{MIN_CONTESTANTS}–{MAX_CONTESTANTS} contestants, each in its own worktree from the same commit.</p>
      </Section>
      <Section title="Select the winner">
        <Field label="Rule">
          <Select value={select.mode} options={SELECT_OPTIONS} onChange={(mode) => setSelect({ ...select, mode })} testId="field-select-mode" />
        </Field>
        {select.mode === "check" ? (
          <Field label="Command" hint="one argument per line" error={errorAt("select.command")}>
            <ArgvEditor value={select.command ?? []} onChange={(v) => setSelect(setOptional(select, "command", v.length ? v : undefined))} testId="field-select-command" />
          </Field>
        ) : null}
        {select.mode === "judge" ? (
          <>
            <div className="grid grid-cols-2 gap-2">
              <Field label="Judge profile" error={errorAt("select.profile")}>
                <ProfileSelect value={select.profile} allowNone onChange={(v) => setSelect(setOptional(select, "profile", v))} testId="field-judge-profile" />
              </Field>
              <Field label="Judge model" hint="optional">
                <TextInput value={select.model ?? ""} onChange={(v) => setSelect(setOptional(select, "model", v))} testId="field-judge-model" />
              </Field>
            </div>
            <Field label="Judge instructions" hint="optional">
              <PromptEditor value={select.prompt ?? ""} onChange={(v) => setSelect(setOptional(select, "prompt", v))} references={references} testId="field-judge-prompt" rows={3} />
            </Field>
          </>
        ) : null}
        {select.mode === "manual" ? <p className="text-[11px] text-zinc-500">The run waits until someone picks a winner on the run page.</p> : null}
      </Section>
      <Section title="Run">
        <RunSettingsFields id="field" config={config} onChange={onChange} workspace />
      </Section>
    </>
  );
}

function FoldForm({ id, config, references, onChange, errorAt }: KindFormProps<"fold">) {
  const set = <F extends keyof FoldConfig>(key: F, value: FoldConfig[F] | undefined) => onChange(setOptional(config, key, value), key);
  return (
    <>
      <Section title="Fold">
        <Field label="Mode">
          <Select
            value={config.mode}
            options={FOLD_MODES.map((m) => ({ value: m, label: m === "concat" ? "concat — join outputs, no model" : "agent — synthesise with an agent" }))}
            onChange={(mode) => set("mode", mode)}
            testId="field-fold-mode"
          />
        </Field>
        {config.mode === "concat" ? (
          <Field label="Separator" hint="between outputs">
            <TextInput value={config.separator ?? ""} onChange={(v) => set("separator", v)} placeholder="blank line" testId="field-separator" />
          </Field>
        ) : (
          <>
            <div className="grid grid-cols-2 gap-2">
              <Field label="Profile" error={errorAt("profile")}>
                <ProfileSelect value={config.profile} allowNone onChange={(v) => set("profile", v)} testId="field-profile" />
              </Field>
              <Field label="Model" hint="optional">
                <TextInput value={config.model ?? ""} onChange={(v) => set("model", v)} testId="field-model" />
              </Field>
            </div>
            <Field label="Prompt" error={errorAt("prompt")}>
              <PromptEditor value={config.prompt ?? ""} onChange={(v) => set("prompt", v)} references={references} testId="field-prompt" />
            </Field>
          </>
        )}
      </Section>
      <Section title="Run">
        <RunSettingsFields id="field" config={config} onChange={onChange} workspace={false} />
        {config.mode === "agent" ? (
          <Field label="Options" hint="backend-specific JSON" error={optionsError(errorAt, "options")}>
            <JsonObjectField nodeId={id} path="options" value={config.options} onChange={(v) => set("options", v)} testId="field-options" />
          </Field>
        ) : null}
      </Section>
    </>
  );
}

function CheckForm({ config, onChange, errorAt }: KindFormProps<"check">) {
  return (
    <>
      <Section title="Check">
        <Field label="Command" hint="one argument per line — never a shell string" error={errorAt("command")}>
          <ArgvEditor value={config.command} onChange={(v) => onChange({ ...config, command: v } satisfies CheckConfig, "command")} testId="field-command" />
        </Field>
        <p className="text-[11px] text-zinc-500">Runs in the upstream step&apos;s worktree; exit code 0 passes.</p>
      </Section>
      <Section title="Run">
        <RunSettingsFields id="field" config={config} onChange={onChange} workspace={false} />
      </Section>
    </>
  );
}

function ApprovalForm({ config, onChange }: KindFormProps<"approval">) {
  return (
    <Section title="Approval">
      <Field label="Message" hint="shown to the approver">
        <TextArea value={config.message ?? ""} onChange={(v) => onChange(setOptional<ApprovalConfig, "message">(config, "message", v), "message")} testId="field-message" />
      </Field>
    </Section>
  );
}

export const KIND_FORMS: { [K in NodeKind]: ComponentType<KindFormProps<K>> } = {
  agent: AgentForm,
  arena: ArenaForm,
  fold: FoldForm,
  check: CheckForm,
  approval: ApprovalForm,
  loop: LoopForm,
};
