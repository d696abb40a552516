"use client";
/** The arena kind on screen: card, inspector form, look, and the run page's Pick winner panel. */
import { useEditorStore } from "@/components/editor/editor-context";
import { RunSettingsFields, optionsError } from "@/components/editor/inspector/common-fields";
import { ArgvEditor, Field, JsonObjectField, ProfileSelect, PromptEditor, Section, Select, TextInput, setOptional } from "@/components/editor/inspector/fields";
import { buttonClass, ErrorNote } from "@/components/runs/dialog";
import { DiffViewer } from "@/components/runs/diff-viewer";
import { Markdown } from "@/components/runs/markdown";
import { useRunAction } from "@/components/runs/use-run-action";
import { selectWinner } from "@/lib/client/runs";
import { liveKey } from "@/lib/client/run-types";
import { list, record, text, type KindClient, type KindFormProps, type WaitingPanelProps } from "../client-define";
import { MAX_CONTESTANTS, MIN_CONTESTANTS, SELECT_MODES, type ArenaConfig, type Contestant } from "./definition";

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

/** A manual select waits for a person: the contestants side by side, a Pick button on each that succeeded. */
function PickWinnerPanel({ run, step, live }: WaitingPanelProps) {
  const action = useRunAction(run.id, (winner: string) => selectWinner(run.id, step.id, winner));
  const contestants = run.steps.filter((s) => s.nodeId === step.nodeId && s.role === "contestant");
  return (
    <div className="space-y-2 rounded border border-violet-300 bg-violet-50 p-2" data-testid="pick-winner-panel">
      <div className="text-[12px] font-medium text-violet-900">Pick the winner of {step.nodeId}</div>
      <ErrorNote error={action.error} />
      <div className="grid gap-2" style={{ gridTemplateColumns: `repeat(${Math.max(1, contestants.length)}, minmax(0, 1fr))` }}>
        {contestants.map((c) => {
          const output = c.output ?? live?.attempts[liveKey(c.id, c.attempt)]?.text ?? "";
          return (
            <div key={c.id} className="flex min-w-0 flex-col gap-2 rounded bg-white p-2" data-testid="contestant-card" data-key={c.key}>
              <div className="flex items-center gap-2 text-[12px]">
                <span className="font-medium">{c.key}</span>
                <span className="text-zinc-500">{typeof c.spec.profile === "string" ? c.spec.profile : ""}</span>
                <span className="ml-auto text-zinc-500">{c.state}</span>
              </div>
              <div className="max-h-64 overflow-auto">
                <Markdown text={output || "(no output)"} />
              </div>
              {c.diff ? <DiffViewer diff={c.diff} /> : null}
              <button
                type="button"
                className={buttonClass.primary}
                disabled={action.isPending || c.state !== "succeeded"}
                onClick={() => action.mutate(c.key)}
                data-testid={`pick-${c.key}`}
              >
                Pick {c.key}
              </button>
            </div>
          );
        })}
      </div>
    </div>
  );
}

export const arenaClient: KindClient<"arena"> = {
  style: { chip: "bg-violet-50 text-violet-700 ring-violet-200", accent: "#8b5cf6", glyph: "⋔" },
  card: (c) => {
    const contestants = list(c.contestants).map((x) => text(record(x).profile) || "?");
    const select = record(c.select);
    const mode = text(select.mode) || "?";
    return {
      profile: `${contestants.join(" · ")}  →  ${mode}${mode === "judge" && text(select.profile) ? ` (${text(select.profile)})` : ""}`,
      preview: text(c.prompt),
    };
  },
  Form: ArenaForm,
  // Only the select step waits (mode "manual"); contestants never do.
  WaitingPanel: (props) => (props.step.role === "select" ? <PickWinnerPanel {...props} /> : null),
};
